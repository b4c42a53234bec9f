import Dispatch
import Foundation
import Synchronization
import Testing
@testable import ParleySpeech

/// Decoders built on several threads at once, as several recognizers (or a pool growing
/// while another prewarms) do: pocketsphinx's initialisation touches global state (its log
/// file), which concurrent ps_init calls once corrupted, leaving two threads deadlocked in
/// fopen/fclose.
@Suite struct DecoderConstructionTests {
    @Test func decodersBuiltOnManyThreadsAtOnceAllLoad() throws {
        let model = SpeechModelPaths.debianEnglish
        try #require(FileManager.default.fileExists(atPath: model.acousticModel), "pocketsphinx en-us model")
        let threads = 4, perThread = 3
        let built = Atomic<Int>(0), failed = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<threads {
            Thread {
                start.wait()
                for _ in 0..<perThread {
                    do {
                        _ = try PocketSphinxDecoder(model: model, kind: .grammar)
                        built.add(1, ordering: .relaxed)
                    } catch {
                        failed.withLock { $0.append("\(error)") }
                    }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<threads { start.signal() }
        // A deadlock shows as threads that never finish: fail after a generous limit
        // (serialised, 12 decoders load in a few seconds).
        var finished = 0
        for _ in 0..<threads where done.wait(timeout: .now() + 120) == .success { finished += 1 }
        #expect(finished == threads, "\(threads - finished) threads never finished building their decoders")
        #expect(failed.withLock { $0 }.isEmpty, "\(failed.withLock { $0 })")
        #expect(built.load(ordering: .relaxed) == threads * perThread)
    }
}
