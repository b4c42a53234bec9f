import Foundation
import ParleyCall

/// An in-process call plane on loopback for the call layer's tests: SIP on a free UDP
/// port, the demo script, its own data directory and RTP port block.
enum TestDaemon {
    static func make(_ name: String, rtpPortStart: Int,
                     configure: (inout DaemonConfiguration) -> Void = { _ in }) async throws -> (CallDaemon, String) {
        let directory = NSTemporaryDirectory() + "parley-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = DaemonConfiguration(nodeID: name)
        config.sip.listen = [SIPListenAddress(address: .ipv4Loopback(port: 0), transports: [.udp])]
        config.routing = RoutingConfiguration(defaultScript: ConfigurationFixtures.repositoryRoot
                                              + "/examples/demo/member-care.yaml")
        config.media.rtpPortStart = rtpPortStart
        config.media.rtpPortEnd = rtpPortStart + 199
        config.dataDirectory = directory
        config.recognizer.prewarmDecoders = 0
        configure(&config)
        return (try await CallDaemon(configuration: config, log: CallLog(minimum: .warning)), directory)
    }

    /// A SIPp response to the last request received (`extra`: more header lines, then the body).
    static func sippResponse(_ status: String, toTag: Bool = true, extra: String = "Content-Length: 0\n") -> String {
        """
        <send><![CDATA[
        SIP/2.0 \(status)
        [last_Via:]
        [last_From:]
        [last_To:]\(toTag ? ";tag=[pid]SIPpTag01[call_number]" : "")
        [last_Call-ID:]
        [last_CSeq:]
        \(extra)
        ]]></send>
        """
    }
}
