import Foundation

/// A packet capture on `lo` with dumpcap (UDP to or from a port range, i.e. one daemon's RTP),
/// read back with tshark as RTP.
final class LoopbackCapture: @unchecked Sendable {
    struct Packet {
        /// Seconds since the capture's first packet.
        let time: Double
        let sourcePort: Int
        let destinationPort: Int
        let payloadType: Int
        let sequence: Int
        let marker: Bool
        let payload: [UInt8]
    }

    let directory: TempDirectory
    let pcapPath: String
    let ports: ClosedRange<Int>
    private let process: ChildProcess
    private var cached: [Packet]?

    /// Starts capturing and returns once dumpcap says it is capturing.
    init(ports: ClosedRange<Int>) throws {
        self.ports = ports
        directory = try TempDirectory("parleyd-pcap")
        pcapPath = directory.file("rtp.pcapng")
        process = try ChildProcess("/usr/bin/dumpcap", ["-i", "lo", "-f", "udp portrange \(ports.lowerBound)-\(ports.upperBound)",
                                                        "-w", pcapPath],
                                   name: "dumpcap", stdoutPath: directory.file("stdout.txt"), stderrPath: directory.file("stderr.txt"))
        let started = waitUntil(timeoutSeconds: 10, intervalMs: 20) { [process] in
            process.standardError.contains("Capturing on") || !process.isRunning
        }
        guard started, process.isRunning else {
            process.kill9()
            throw ChildProcess.Failure(description: "dumpcap did not start: \(process.standardError.suffix(1000))")
        }
    }

    /// Stops the capture (SIGINT: dumpcap closes the file properly).
    func stop() {
        process.send(SIGINT)
        if !process.waitForExit(timeoutSeconds: 5) { process.kill9() }
    }

    /// Every UDP packet of the capture decoded as RTP (version 2), sent from a port in `ports`.
    func packetsFromDaemon() throws -> [Packet] {
        try allPackets().filter { ports.contains($0.sourcePort) }
    }

    /// Every RTP packet to or from the daemon's ports, in capture order (stops the capture).
    func allPackets() throws -> [Packet] {
        if let cached { return cached }
        stop()
        let out = try runTool("/usr/bin/tshark", ["-r", pcapPath, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp",
                                                  "-T", "fields", "-E", "separator=;", "-e", "frame.time_relative",
                                                  "-e", "udp.srcport", "-e", "udp.dstport", "-e", "rtp.p_type", "-e", "rtp.seq",
                                                  "-e", "rtp.marker", "-e", "rtp.payload"], timeoutSeconds: 60)
        let packets: [Packet] = out.split(separator: "\n").compactMap { line in
            let f = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7, let time = Double(f[0]), let src = Int(f[1]), let dst = Int(f[2]), let pt = Int(f[3]),
                  let seq = Int(f[4]) else { return nil }
            return Packet(time: time, sourcePort: src, destinationPort: dst, payloadType: pt, sequence: seq,
                          marker: f[5] == "1" || f[5] == "True", payload: Self.bytes(hex: f[6]))
        }
        cached = packets
        return packets
    }

    /// `rtp,streams` summary text (for failure messages).
    func streamSummary() -> String {
        (try? runTool("/usr/bin/tshark", ["-r", pcapPath, "-o", "rtp.heuristic_rtp:TRUE", "-q", "-z", "rtp,streams"])) ?? ""
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(hex.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: continue
            }
            if let h = high {
                result.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return result
    }

    deinit { process.kill9() }
}
