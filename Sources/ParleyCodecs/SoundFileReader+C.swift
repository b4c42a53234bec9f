// Safety invariants (libsndfile adapter):
// - A SNDFILE* from sf_open is used only inside the function that opened it and closed
//   exactly once on every path (defer).
// - sf_readf_float writes at most `chunkFrames × channels` floats into `interleaved`,
//   which holds exactly that many; the frame count it returns bounds every read of it.
// - The log text is read into a fixed buffer whose size is passed to sf_command, and
//   libsndfile NUL-terminates it within that size.
import CSndFile

/// Reads a sound file with libsndfile into mono 16-bit PCM at the file's own rate.
enum SoundFileReader {
    struct Decoded {
        var samples: [Int16]
        var sampleRateHz: Int
        var channelCount: Int
        var formatName: String
    }

    static let chunkFrames = 4096

    static func readMono(path: String) throws(AudioFileError) -> Decoded {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            let status = sf_error(nil)
            let message = String(cString: sf_strerror(nil))
            throw AudioFileError(openErrorCode(status), path: path, detail: message)
        }
        defer { sf_close(file) }

        let channels = Int(info.channels)
        let formatName = describe(format: info.format)
        guard (1...PromptLoader.maxChannelCount).contains(channels) else {
            throw AudioFileError(.unsupportedFormat, path: path, detail: "\(channels) channels")
        }
        guard (1000...384_000).contains(Int(info.samplerate)) else {
            throw AudioFileError(.unsupportedFormat, path: path, detail: "sample rate \(info.samplerate) Hz")
        }

        let announced = info.frames          // SF_COUNT_MAX when the container does not say
        var samples: [Int16] = []
        if announced > 0 && announced < Int64(Int32.max) { samples.reserveCapacity(Int(announced)) }
        var interleaved = [Float](repeating: 0, count: chunkFrames * channels)
        let scale = Float(32768) / Float(channels)
        while true {
            let got = interleaved.withUnsafeMutableBufferPointer { buffer in
                sf_readf_float(file, buffer.baseAddress, sf_count_t(chunkFrames))
            }
            if got <= 0 { break }
            for frame in 0..<Int(got) {
                var sum: Float = 0
                for channel in 0..<channels { sum += interleaved[frame * channels + channel] }
                let value = (sum * scale).rounded()
                samples.append(Int16(max(-32768, min(32767, value))))
            }
        }

        let readStatus = sf_error(file)
        let readMessage = readStatus == 0 ? "" : "; " + String(cString: sf_strerror(file))
        let lengthKnown = announced != Int64.max
        if lengthKnown && Int64(samples.count) < announced {
            throw AudioFileError(.truncated, path: path,
                                 detail: "\(formatName): header announces \(announced) frames, file holds \(samples.count)\(readMessage)")
        }
        if readStatus != 0 {
            throw AudioFileError(.corrupt, path: path, detail: "\(formatName): \(String(cString: sf_strerror(file)))")
        }
        if let evidence = truncationEvidence(logText(file), lengthKnown: lengthKnown) {
            throw AudioFileError(.truncated, path: path, detail: "\(formatName): \(evidence)")
        }
        return Decoded(samples: samples, sampleRateHz: Int(info.samplerate), channelCount: channels,
                       formatName: formatName)
    }

    /// libsndfile's open errors: 1 is "format not recognised", 2 a system error, 3 a
    /// malformed file, 4 an encoding it does not implement; higher numbers are
    /// format-specific parse failures (a damaged header).
    static func openErrorCode(_ status: Int32) -> AudioFileError.Code {
        switch status {
        case Int32(SF_ERR_UNRECOGNISED_FORMAT), Int32(SF_ERR_UNSUPPORTED_ENCODING): .unsupportedFormat
        case Int32(SF_ERR_SYSTEM): .unreadable
        default: .corrupt
        }
    }

    /// libsndfile reads what there is of a cut file and says so only in its log:
    /// "data : 1706492 (should be 853224)" for WAV/AIFF; for Ogg, "File ended unexpectedly"
    /// while the stream's end position could not be found (`lengthKnown` false) — complete
    /// files written by libsndfile itself also log that line, but with a known length.
    /// A data size of 0 or 0xFFFFFFFF is a streaming writer's placeholder, not truncation.
    static func truncationEvidence(_ log: String, lengthKnown: Bool) -> String? {
        for line in log.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if !lengthKnown && text.localizedCaseInsensitiveContains("ended unexpectedly") { return text }
            if text.hasPrefix("data"), text.contains("(should be") {
                let fields = text.split(whereSeparator: { $0 == " " || $0 == ":" })
                if fields.count > 1, let declared = UInt64(fields[1]), declared != 0, declared != 0xFFFF_FFFF {
                    return text
                }
            }
        }
        return nil
    }

    static func logText(_ file: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 8192)
        let length = buffer.withUnsafeMutableBufferPointer { pointer in
            sf_command(file, Int32(SFC_GET_LOG_INFO), pointer.baseAddress, Int32(pointer.count))
        }
        guard length > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func describe(format: Int32) -> String {
        var major = SF_FORMAT_INFO()
        major.format = format & Int32(SF_FORMAT_TYPEMASK)
        var minor = SF_FORMAT_INFO()
        minor.format = format & Int32(SF_FORMAT_SUBMASK)
        let size = Int32(MemoryLayout<SF_FORMAT_INFO>.size)
        let majorOK = sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &major, size) == 0
        let minorOK = sf_command(nil, Int32(SFC_GET_FORMAT_INFO), &minor, size) == 0
        let majorName = majorOK && major.name != nil ? String(cString: major.name) : "format 0x\(String(major.format, radix: 16))"
        let minorName = minorOK && minor.name != nil ? String(cString: minor.name) : "encoding 0x\(String(minor.format, radix: 16))"
        return "\(majorName) / \(minorName)"
    }
}
