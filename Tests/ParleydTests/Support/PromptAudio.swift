import Foundation

/// The demo's prompt recordings (8 kHz μ-law WAV) as G.711 bytes, and how much of a prompt
/// appears in the RTP payload `parleyd` sent. μ-law → linear → μ-law is the identity (up to
/// the sign of zero), so a PCMU stream carrying a prompt contains the file's bytes verbatim.
enum PromptAudio {
    static let samplesPerPacket = 160

    /// The `data` chunk of a μ-law WAV file.
    static func muLawSamples(_ file: String) throws -> [UInt8] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        guard bytes.count > 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw ChildProcess.Failure(description: "not a WAV file: \(file)")
        }
        var offset = 12
        var format = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            let body = offset + 8
            if id == "fmt " { format = Int(bytes[body]) | Int(bytes[body + 1]) << 8 }
            if id == "data" {
                guard format == 7 else { throw ChildProcess.Failure(description: "\(file): WAV format \(format), expected 7 (μ-law)") }
                return Array(bytes[body..<min(bytes.count, body + size)])
            }
            offset = body + size + (size & 1)
        }
        throw ChildProcess.Failure(description: "\(file): no data chunk")
    }

    /// The bytes of prompt files played one after another (paths relative to the demo's prompts).
    static func prompt(_ files: [String]) throws -> [UInt8] {
        try files.flatMap { try muLawSamples(Paths.prompts + "/" + $0) }
    }

    /// Seconds of audio in these prompt files.
    static func durationSeconds(_ files: [String]) throws -> Double {
        Double(try prompt(files).count) / 8000
    }

    /// G.711 μ-law → 16-bit linear.
    static func linear(muLaw: UInt8) -> Int {
        let u = ~muLaw
        let exponent = Int((u >> 4) & 0x07)
        let mantissa = Int(u & 0x0f)
        let magnitude = ((mantissa << 3) + 0x84) << exponent
        return (u & 0x80) != 0 ? 0x84 - magnitude : magnitude - 0x84
    }

    /// G.711 A-law → 16-bit linear.
    static func linear(aLaw: UInt8) -> Int {
        let a = aLaw ^ 0x55
        var t = Int(a & 0x0f) << 4
        let segment = Int((a & 0x70) >> 4)
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (segment - 1)
        }
        return (a & 0x80) != 0 ? t : -t
    }

    /// How many 20 ms packets of a PCMA payload carry sound (RMS above `rmsThreshold`).
    static func voicedALawPackets(_ stream: [UInt8], rmsThreshold: Double = 300) -> Int {
        stride(from: 0, to: stream.count - samplesPerPacket + 1, by: samplesPerPacket).filter { start in
            let chunk = stream[start..<start + samplesPerPacket]
            let sum = chunk.reduce(0.0) { acc, b in let v = Double(linear(aLaw: b)); return acc + v * v }
            return (sum / Double(samplesPerPacket)).squareRoot() >= rmsThreshold
        }.count
    }

    /// Root mean square of a μ-law chunk, in linear units.
    static func rms(_ chunk: ArraySlice<UInt8>) -> Double {
        guard !chunk.isEmpty else { return 0 }
        let sum = chunk.reduce(0.0) { acc, b in let v = Double(linear(muLaw: b)); return acc + v * v }
        return (sum / Double(chunk.count)).squareRoot()
    }

    /// μ-law has two zeros (0xFF, 0x7F): fold them together before comparing.
    static func normalized(_ bytes: [UInt8]) -> [UInt8] { bytes.map { $0 == 0x7f ? 0xff : $0 } }

    struct Coverage: CustomStringConvertible {
        /// 20 ms chunks of the prompt with speech in them (RMS above the threshold).
        let voicedPackets: Int
        /// How many of those were found in the stream.
        let foundPackets: Int
        var fraction: Double { voicedPackets == 0 ? 0 : Double(foundPackets) / Double(voicedPackets) }
        var description: String { "\(foundPackets) of \(voicedPackets) voiced 20 ms packets (\(Int(fraction * 100)) %)" }
    }

    /// How many of the prompt's voiced 20 ms chunks occur in `stream` (an 80-byte probe from the
    /// middle of each chunk is searched for, so packet alignment does not matter).
    static func coverage(of muLawPrompt: [UInt8], in stream: [UInt8], rmsThreshold: Double = 300) -> Coverage {
        let voicing = muLawPrompt
        let prompt = normalized(muLawPrompt), stream = normalized(stream)
        let key = 12
        var index: [UInt64: [Int]] = [:]
        if stream.count >= key {
            for i in 0...(stream.count - key) { index[hash(stream, i, key), default: []].append(i) }
        }
        var voiced = 0, found = 0
        var start = 0
        while start + samplesPerPacket <= prompt.count {
            if rms(voicing[start..<start + samplesPerPacket]) >= rmsThreshold {
                voiced += 1
                let probeStart = start + 40
                let probe = prompt[probeStart..<probeStart + 80]
                let candidates = index[hash(prompt, probeStart, key)] ?? []
                if candidates.contains(where: { c in c + 80 <= stream.count && stream[c..<c + 80].elementsEqual(probe) }) {
                    found += 1
                }
            }
            start += samplesPerPacket
        }
        return Coverage(voicedPackets: voiced, foundPackets: found)
    }

    private static func hash(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for i in at..<at + count { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        return h
    }

    /// Capture time of the last packet from `sourcePort` carrying a voiced chunk of `prompt`.
    static func lastPacketTime(of prompt: [UInt8], in packets: [LoopbackCapture.Packet], sourcePort: Int) -> Double? {
        let text = normalized(prompt)
        return packets.last { p in
            p.sourcePort == sourcePort && p.payload.count >= 120 && rms(p.payload[...]) >= 300
                && contains(text, normalized(Array(p.payload[40..<120])))
        }?.time
    }

    /// Capture time of the first packet to `destinationPort` with sound in it (the caller speaking).
    static func speechOnsetTime(in packets: [LoopbackCapture.Packet], destinationPort: Int) -> Double? {
        packets.first { $0.destinationPort == destinationPort && $0.payloadType == 0 && rms($0.payload[...]) >= 300 }?.time
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<i + needle.count].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// The payloads of one RTP stream (one source port, audio payload type), in capture order.
    static func stream(_ packets: [LoopbackCapture.Packet], sourcePort: Int, payloadType: Int) -> [UInt8] {
        packets.filter { $0.sourcePort == sourcePort && $0.payloadType == payloadType }.flatMap(\.payload)
    }
}
