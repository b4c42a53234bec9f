import Foundation
import ParleyAudio
import ParleyCodecs
import ParleyMedia
import ParleyRealtime

/// `parley bench pacing --memory [--json]` — where a call's memory goes: resident bytes
/// per instance of the listening pipeline in several configurations (each built,
/// prepared at 8 kHz and run for a second of audio so lazily allocated state is
/// counted), and of a whole media channel with and without the pipeline. Each figure is
/// the RSS growth over `count` live instances divided by `count`; every instance stays
/// alive to the end, so no figure reuses memory another one freed.
extension BenchPacing {
    static func memoryBreakdown(json: Bool, count: Int = 200) -> Int32 {
        var rows: [(name: String, bytes: Int)] = []
        var keptPipelines: [ListeningPipeline] = []
        var keptHandles: [MediaChannelHandle] = []
        var engines: [MediaEngine] = []
        let noise = (0..<80).map { _ in Int16.random(in: -3000...3000) }
        let reference = (0..<80).map { Int16(3000 * sin(Double($0) / 3)) }
        func pipelines(_ name: String, _ configuration: ListeningConfiguration) {
            let before = residentBytes()
            var kept: [ListeningPipeline] = []
            for _ in 0..<count {
                let p = ListeningPipeline(configuration: configuration)
                guard let format = try? AudioFormat(sampleRate: 8000), (try? p.prepare(format: format)) != nil else { continue }
                for f in 0..<100 {
                    _ = p.process(captureFrame: noise.span, playedFrame: reference.span, rtpTimestamp: UInt32(f * 80))
                }
                kept.append(p)
            }
            rows.append((name, (residentBytes() - before) / max(1, kept.count)))
            keptPipelines += kept
        }
        var c = ListeningConfiguration()
        pipelines("pipeline_default", c)
        c.dtmf = nil
        pipelines("pipeline_without_inband_dtmf", c)
        c = ListeningConfiguration()
        c.echo.noiseSuppression = false
        pipelines("pipeline_aec_without_noise_suppression", c)
        c = ListeningConfiguration()
        c.echo.mode = .aecm
        pipelines("pipeline_aecm", c)
        c = ListeningConfiguration()
        c.echo.mode = .off
        pipelines("pipeline_echo_off", c)
        c.echo.noiseSuppression = false
        pipelines("pipeline_echo_and_noise_suppression_off", c)
        for listening in [false, true] {
            guard let engine = try? MediaEngine(configuration: MediaEngineConfiguration(
                threadCount: 1, portRange: listening ? 45000...49999 : 40000...44999,
                maxChannelsPerThread: count + 8)) else { return 1 }
            let prompts = PromptTable(sampleRateHz: 8000, entries: [])
            let before = residentBytes()
            var handles: [MediaChannelHandle] = []
            for _ in 0..<count {
                let configuration = MediaChannelConfiguration(codec: .pcmu, mediaTimeoutMs: 0,
                                                              listening: listening ? ListeningConfiguration() : nil)
                if let h = try? engine.openChannel(configuration, prompts: prompts) { handles.append(h) }
            }
            Monotonic.sleep(untilNs: Monotonic.nowNs() + 300_000_000)   // a few ticks on the media thread
            rows.append((listening ? "channel_pcmu_with_pipeline" : "channel_pcmu_without_pipeline",
                         (residentBytes() - before) / max(1, handles.count)))
            keptHandles += handles
            engines.append(engine)
        }
        for h in keptHandles { h.close() }
        for e in engines { e.shutdown() }
        withExtendedLifetime(keptPipelines) {}
        if json {
            let fields = rows.map { "\"\($0.name)_bytes\":\($0.bytes)" }.joined(separator: ",")
            print("{\"suite\":\"pacing-memory\",\"instances\":\(count)," + fields + "}")
        } else {
            print("parley bench pacing --memory — resident bytes per instance (\(count) live instances each)")
            for r in rows { print("  " + r.name.padding(toLength: 42, withPad: " ", startingAt: 0) + "\(r.bytes)") }
        }
        return 0
    }
}
