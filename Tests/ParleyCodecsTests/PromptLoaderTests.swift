import Foundation
import Testing
@testable import ParleyCodecs

/// A fresh directory under the system temp directory, removed by `cleanUp`.
struct ScratchDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("parley-codecs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }

    /// Copies the first `keepBytes` bytes of `source` to `name`.
    func truncatedCopy(of source: String, keepBytes: Int, as name: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let target = path(name)
        try data.prefix(keepBytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func size(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    }
}

/// Interleaves two channels.
func stereo(_ left: [Int16], _ right: [Int16]) -> [Int16] {
    zip(left, right).flatMap { [$0, $1] }
}

@Suite("Prompt loader over libsndfile")
struct PromptLoaderTests {
    @Test("stereo 44.1 kHz WAV → mono 8 and 16 kHz: length exact to a sample, 1 kHz tone SINAD ≈ 89–91 dB (floor 75 dB)",
          arguments: [8000, 16000])
    func stereoWAV(targetRateHz: Int) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let tone = TestSignals.tone(hz: 1000, sampleRateHz: 44100, count: 44100, amplitude: 12000)
        let file = dir.path("tone.wav")
        try AudioFileWriter.write(stereo(tone, tone), channelCount: 2, sampleRateHz: 44100, container: .wav, to: file)
        let prompt = try PromptLoader(sampleRateHz: targetRateHz).load(path: file)
        #expect(prompt.sampleRateHz == targetRateHz)
        #expect(prompt.samples.count == targetRateHz)
        #expect(prompt.source.channelCount == 2 && prompt.source.sampleRateHz == 44100 && prompt.source.frameCount == 44100)
        #expect(prompt.source.formatName.contains("WAV"))
        let sinad = TestSignals.toneSINAD(prompt.samples, hz: 1000, sampleRateHz: targetRateHz,
                                          range: targetRateHz / 10..<targetRateHz * 9 / 10)
        print("prompt WAV 44.1k stereo → \(targetRateHz): SINAD \(sinad) dB")
        #expect(sinad >= 75)
    }

    @Test("downmix averages the channels: opposite channels cancel, one silent channel halves")
    func downmix() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let tone = TestSignals.tone(hz: 500, sampleRateHz: 8000, count: 800, amplitude: 10000)
        let silent = [Int16](repeating: 0, count: 800)
        let opposite = dir.path("opposite.wav")
        let halved = dir.path("halved.wav")
        try AudioFileWriter.write(stereo(tone, tone.map { -$0 }), channelCount: 2, sampleRateHz: 8000, container: .wav, to: opposite)
        try AudioFileWriter.write(stereo(tone, silent), channelCount: 2, sampleRateHz: 8000, container: .wav, to: halved)
        let loader = PromptLoader(sampleRateHz: 8000)
        #expect(try loader.load(path: opposite).samples.allSatisfy { $0 == 0 })
        let half = try loader.load(path: halved).samples
        #expect(half.count == 800)
        for i in 0..<800 { #expect(abs(Int(half[i]) - Int(tone[i]) / 2) <= 1) }
    }

    @Test("mono WAV already at the call's rate comes back bit-exact")
    func sameRateIsExact() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let signal = TestSignals.speechLike(sampleRateHz: 8000, count: 4000)
        let file = dir.path("same.wav")
        try AudioFileWriter.write(signal, channelCount: 1, sampleRateHz: 8000, container: .wav, to: file)
        #expect(try PromptLoader(sampleRateHz: 8000).load(path: file).samples == signal)
    }

    @Test("FLAC 48 kHz and Ogg Vorbis 16 kHz load: FLAC lossless SINAD ≈ 94 dB (floor 75), Vorbis ≈ 32 dB (floor 25)")
    func flacAndOgg() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let flac = dir.path("tone.flac")
        let ogg = dir.path("tone.ogg")
        try AudioFileWriter.write(TestSignals.tone(hz: 1000, sampleRateHz: 48000, count: 48000, amplitude: 12000),
                                  channelCount: 1, sampleRateHz: 48000, container: .flac, to: flac)
        try AudioFileWriter.write(TestSignals.tone(hz: 1000, sampleRateHz: 16000, count: 16000, amplitude: 12000),
                                  channelCount: 1, sampleRateHz: 16000, container: .oggVorbis, to: ogg)
        let loader = PromptLoader(sampleRateHz: 16000)
        let fromFLAC = try loader.load(path: flac)
        let fromOgg = try loader.load(path: ogg)
        #expect(fromFLAC.samples.count == 16000 && fromOgg.samples.count == 16000)
        #expect(fromFLAC.source.formatName.contains("FLAC"))
        #expect(fromOgg.source.formatName.contains("OGG") || fromOgg.source.formatName.contains("Ogg"))
        let flacSINAD = TestSignals.toneSINAD(fromFLAC.samples, hz: 1000, sampleRateHz: 16000, range: 1600..<14400)
        let oggSINAD = TestSignals.toneSINAD(fromOgg.samples, hz: 1000, sampleRateHz: 16000, range: 1600..<14400)
        print("prompt FLAC 48k → 16k SINAD \(flacSINAD) dB; Ogg Vorbis 16k SINAD \(oggSINAD) dB")
        #expect(flacSINAD >= 75)
        #expect(oggSINAD >= 25)
    }

    @Test("espeak-ng 22.05 kHz speech → 16 kHz matches sox's own conversion: SNR ≈ 55 dB (floor 45 dB)")
    func speechAgainstSox() throws {
        let sox16k = try TestSignals.speechFixture("speech-16k.wav")
        let source = TestSignals.fixturesDirectory.appendingPathComponent("codecs/speech-22k.wav").path
        let prompt = try PromptLoader(sampleRateHz: 16000).load(path: source)
        #expect(prompt.source.sampleRateHz == 22050)
        #expect(abs(prompt.samples.count - sox16k.samples.count) <= 1)
        let best = TestSignals.bestSNR(reference: sox16k.samples, test: prompt.samples, lags: -5...5,
                                       range: 1600..<min(prompt.samples.count, sox16k.samples.count) - 1600)
        print("prompt 22.05k → 16k vs sox: SNR \(best.snrDB) dB at lag \(best.lag)")
        #expect(best.lag == 0)
        #expect(best.snrDB >= 45)
    }

    @Test("a missing file is .missing and the error names the path")
    func missing() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let path = dir.path("no-such-prompt.wav")
        let error = #expect(throws: AudioFileError.self) { try PromptLoader(sampleRateHz: 8000).load(path: path) }
        #expect(error?.code == .missing)
        #expect(error?.path == path)
        #expect(error?.description.contains(path) == true)
    }

    @Test("zero-length files are .empty: a 0-byte file and a WAV header with no frames")
    func zeroLength() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let zeroBytes = dir.path("zero.wav")
        #expect(FileManager.default.createFile(atPath: zeroBytes, contents: Data()))
        let noFrames = dir.path("no-frames.wav")
        try AudioFileWriter.write([], channelCount: 1, sampleRateHz: 8000, container: .wav, to: noFrames)
        #expect(try dir.size(noFrames) > 0)
        for path in [zeroBytes, noFrames] {
            let error = #expect(throws: AudioFileError.self) { try PromptLoader(sampleRateHz: 8000).load(path: path) }
            #expect(error?.code == .empty, "\(path)")
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test("files cut in half are .truncated (WAV, FLAC, Ogg); a WAV cut inside its header is .corrupt",
          arguments: [AudioFileWriter.Container.wav, .flac, .oggVorbis])
    func truncated(container: AudioFileWriter.Container) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let full = dir.path("full.audio")
        // Ten seconds, a realistic prompt: long enough that half an Ogg file still opens.
        try AudioFileWriter.write(TestSignals.speechLike(sampleRateHz: 16000, count: 160_000), channelCount: 1,
                                  sampleRateHz: 16000, container: container, to: full)
        let loader = PromptLoader(sampleRateHz: 16000)
        #expect(try loader.load(path: full).samples.count == 160_000)
        let cut = try dir.truncatedCopy(of: full, keepBytes: try dir.size(full) / 2, as: "cut.audio")
        let error = #expect(throws: AudioFileError.self) { try loader.load(path: cut) }
        #expect(error?.code == .truncated)
        #expect(error?.path == cut)
        if container == .wav {
            let header = try dir.truncatedCopy(of: full, keepBytes: 30, as: "header.wav")
            let headerError = #expect(throws: AudioFileError.self) { try loader.load(path: header) }
            #expect(headerError?.code == .corrupt)
        }
    }

    @Test("text renamed .wav, random bytes named .flac are .unsupportedFormat; a directory is .unreadable")
    func wrongFormat() throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let text = dir.path("text.wav")
        try "Welcome to Parley. This is not audio.\n".write(toFile: text, atomically: true, encoding: .utf8)
        let noise = dir.path("noise.flac")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: noise))
        let loader = PromptLoader(sampleRateHz: 8000)
        for path in [text, noise] {
            let error = #expect(throws: AudioFileError.self) { try loader.load(path: path) }
            #expect(error?.code == .unsupportedFormat, "\(path)")
            #expect(error?.description.contains(path) == true)
        }
        let directoryError = #expect(throws: AudioFileError.self) { try loader.load(path: dir.url.path) }
        #expect(directoryError?.code == .unreadable)
    }

    @Test("damaged files (random bytes overwritten in WAV, FLAC, Ogg) load or fail with an AudioFileError, never crash",
          arguments: [AudioFileWriter.Container.wav, .flac, .oggVorbis])
    func damagedFiles(container: AudioFileWriter.Container) throws {
        let dir = try ScratchDirectory()
        defer { dir.cleanUp() }
        let good = dir.path("good.audio")
        try AudioFileWriter.write(TestSignals.speechLike(sampleRateHz: 16000, count: 16000), channelCount: 1,
                                  sampleRateHz: 16000, container: container, to: good)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        var generator = SplitMix64(seed: 0xDA3A_6E00)
        let loader = PromptLoader(sampleRateHz: 8000)
        var loaded = 0
        var failed = 0
        for round in 0..<40 {
            var bytes = original
            for _ in 0..<(1 + round % 8) {
                // Damage the first 64 bytes (the header) half the time, anywhere otherwise.
                let limit = round % 2 == 0 ? min(64, bytes.count) : bytes.count
                bytes[Int(generator.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: generator.next())
            }
            let path = dir.path("damaged-\(round).audio")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let prompt = try loader.load(path: path)
                #expect(!prompt.samples.isEmpty)
                loaded += 1
            } catch {
                #expect(error.path == path)
                failed += 1
            }
        }
        print("prompt damaged \(container): \(loaded) loaded, \(failed) rejected")
        #expect(loaded + failed == 40)
    }
}
