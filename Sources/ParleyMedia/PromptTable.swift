import ParleyAudio
import ParleyCodecs

/// Prompts loaded once (as PCM at one rate) and shared, immutable, by every channel at
/// that rate; commands refer to them by index. Built at setup (allocates, reads files);
/// the media thread only reads it.
public final class PromptTable: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let samples: [Int16]
        /// Cue points and locked segments for barge-in; the policy is set per play.
        public let plan: PromptPlan
    }

    public let sampleRateHz: Int
    public let entries: [Entry]

    public init(sampleRateHz: Int, entries: [Entry]) {
        self.sampleRateHz = sampleRateHz
        self.entries = entries
    }

    public var count: Int { entries.count }

    /// Index of the prompt named `name`.
    public func index(of name: String) -> UInt16? {
        entries.firstIndex { $0.name == name }.map { UInt16($0) }
    }

    /// An entry from PCM already at `sampleRateHz`.
    public static func entry(name: String, samples: [Int16], sampleRateHz: Int,
                             cuePointsMs: [Int] = [], lockedSegmentsMs: [Range<Int>] = []) throws(MediaError) -> Entry {
        let lengthMs = samples.count * 1000 / max(1, sampleRateHz)
        do {
            let plan = try PromptPlan(lengthMs: lengthMs, policy: .immediate, cuePointsMs: cuePointsMs,
                                      lockedSegmentsMs: lockedSegmentsMs)
            return Entry(name: name, samples: samples, plan: plan)
        } catch {
            throw MediaError(.invalidConfiguration, "prompt \(name): \(error)")
        }
    }

    /// Loads files with `PromptLoader` at `sampleRateHz` (names are the paths).
    public static func load(paths: [String], sampleRateHz: Int) throws(MediaError) -> PromptTable {
        let loader = PromptLoader(sampleRateHz: sampleRateHz)
        var entries: [Entry] = []
        for path in paths {
            let audio: PromptAudio
            do { audio = try loader.load(path: path) } catch {
                throw MediaError(.promptLoadFailed, "\(error)")
            }
            entries.append(try entry(name: path, samples: audio.samples, sampleRateHz: sampleRateHz))
        }
        guard entries.count <= Int(UInt16.max) else { throw MediaError(.invalidConfiguration, "too many prompts") }
        return PromptTable(sampleRateHz: sampleRateHz, entries: entries)
    }
}
