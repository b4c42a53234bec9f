import Foundation

/// What the linter learns about a prompt recording.
public enum DialoguePromptAudio: Sendable, Equatable {
    case missing
    case unreadable(String)
    case audio(DialoguePromptAudioInfo)
}

public struct DialoguePromptAudioInfo: Sendable, Equatable {
    public var sampleRateHz: Int
    public var channelCount: Int
    public var durationMs: Int
    /// Fraction of samples at full scale.
    public var clippedFraction: Double
    /// Fraction of 20 ms frames below -50 dBFS.
    public var silentFraction: Double

    public init(sampleRateHz: Int, channelCount: Int, durationMs: Int, clippedFraction: Double, silentFraction: Double) {
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
        self.durationMs = durationMs
        self.clippedFraction = clippedFraction
        self.silentFraction = silentFraction
    }
}

/// Looks at prompt recordings for the linter. Replaceable (tests, other formats).
public protocol DialoguePromptInspecting: Sendable {
    func inspect(path: String) -> DialoguePromptAudio
}

/// Reads WAV files (PCM 8/16-bit, µ-law, A-law) with a small RIFF reader in safe Swift.
public struct WAVPromptInspector: DialoguePromptInspecting {
    public init() {}

    public func inspect(path: String) -> DialoguePromptAudio {
        guard FileManager.default.fileExists(atPath: path) else { return .missing }
        guard let data = FileManager.default.contents(atPath: path) else { return .unreadable("cannot read the file") }
        return Self.analyze([UInt8](data))
    }

    /// Parses a WAV image and measures it.
    public static func analyze(_ bytes: [UInt8]) -> DialoguePromptAudio {
        func u16(_ i: Int) -> Int { i + 2 <= bytes.count ? Int(bytes[i]) | Int(bytes[i + 1]) << 8 : 0 }
        func u32(_ i: Int) -> Int { i + 4 <= bytes.count ? u16(i) | u16(i + 2) << 16 : 0 }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            return .unreadable("not a WAV file")
        }
        var format = 0, channels = 0, rate = 0, bits = 0
        var dataRange: Range<Int>?
        var offset = 12
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            let end = min(bytes.count, body + size)
            if id == "fmt " && size >= 16 {
                format = u16(body); channels = u16(body + 2); rate = u32(body + 4); bits = u16(body + 14)
                if format == 0xFFFE && size >= 26 { format = u16(body + 24) }
            } else if id == "data" {
                dataRange = body..<end
            }
            offset = body + size + (size & 1)
            if size < 0 || offset <= body - 8 { break }
        }
        guard rate > 0, channels > 0, let data = dataRange else { return .unreadable("no fmt or data chunk") }
        let decode: (Int) -> Int
        let width: Int
        switch (format, bits) {
        case (1, 16): width = 2; decode = { Int(Int16(truncatingIfNeeded: u16($0))) }
        case (1, 8): width = 1; decode = { (Int(bytes[$0]) - 128) << 8 }
        case (7, 8): width = 1; decode = { G711.ulaw(bytes[$0]) }
        case (6, 8): width = 1; decode = { G711.alaw(bytes[$0]) }
        default: return .unreadable("unsupported encoding (format \(format), \(bits) bits)")
        }
        let frameBytes = width * channels
        let frames = data.count / frameBytes
        let samplesPer20Ms = max(1, rate / 50)
        var clipped = 0, silentBlocks = 0, blocks = 0
        var energy = 0.0, inBlock = 0
        for f in 0..<frames {
            let s = decode(data.lowerBound + f * frameBytes)
            if s >= 32_000 || s <= -32_000 { clipped += 1 }
            energy += Double(s * s)
            inBlock += 1
            if inBlock == samplesPer20Ms {
                blocks += 1
                if (energy / Double(inBlock)).squareRoot() < 104 { silentBlocks += 1 }  // -50 dBFS
                energy = 0; inBlock = 0
            }
        }
        return .audio(DialoguePromptAudioInfo(
            sampleRateHz: rate, channelCount: channels, durationMs: frames * 1000 / rate,
            clippedFraction: frames == 0 ? 0 : Double(clipped) / Double(frames),
            silentFraction: blocks == 0 ? 1 : Double(silentBlocks) / Double(blocks)))
    }
}

/// G.711 expansion to 16-bit linear (ITU-T G.711).
enum G711 {
    static func ulaw(_ byte: UInt8) -> Int {
        let u = Int(~byte)
        let t = ((u & 0x0F) << 3 + 0x84) << ((u & 0x70) >> 4)
        return (u & 0x80) != 0 ? 0x84 - t : t - 0x84
    }

    static func alaw(_ byte: UInt8) -> Int {
        let a = Int(byte ^ 0x55)
        var t = (a & 0x0F) << 4
        let seg = (a & 0x70) >> 4
        switch seg {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (seg - 1)
        }
        return (a & 0x80) != 0 ? t : -t
    }
}
