import Foundation
import ParleyCodecs

/// Hears the bot: identifies which of the script's prompts is playing from the 8 kHz
/// audio the caller receives, by matching a streaming log-band-energy fingerprint
/// against the prompt recordings (cosine similarity of 250 ms of band-energy changes,
/// searched over every alignment of every recording, then tracked).
///
/// Feed it all received audio in order (silence included, so its clock is the caller's
/// RTP clock) with `process(_:)`, then drain `nextEvent()`. It reports a prompt's start
/// (name, confidence, back-dated start time) about 400 ms into the prompt, and its end:
/// finished (the last recording played to its end) or interrupted.
///
/// Set-up (`init`) loads and fingerprints the recordings and allocates everything;
/// `process` and `nextEvent` do not allocate.
public struct PromptRecognizer: Sendable {
    /// Tuning; the defaults suit the demo prompts through G.711 with noise at 20 dB SNR.
    public struct Configuration: Sendable, Equatable {
        /// 10 ms frames compared per decision: 25 → 250 ms of audio.
        public var windowFrames = 25
        /// Score needed to recognise a prompt when none is playing.
        public var matchThreshold: Float = 0.65
        /// Score that keeps a recognised prompt tracked.
        public var trackThreshold: Float = 0.40
        /// Consecutive decisions (20 ms apart) a match must hold before it is reported.
        public var confirmDecisions = 8
        /// Score each confirming decision needs.
        public var confirmThreshold: Float = 0.7
        /// Mean score a confirmed match needs.
        public var confirmMean: Float = 0.8
        /// A confirmed match must beat any other prompt's live match by this much.
        public var ambiguityMargin: Float = 0.05
        /// Silence that ends a prompt (ms).
        public var endSilenceMs = 120
        /// Silence that ends a prompt while a spoken variable plays between recordings (ms).
        public var gapSilenceMs = 500
        /// Unmatched sound after which the tracked prompt counts as gone (ms).
        public var lostMs = 600
        /// A prompt that ended within this many ms of its last recording's end finished.
        public var finishToleranceMs = 300
        /// Silence mid-recording is held this long before it ends the prompt: a bot whose
        /// sender stalls (its media thread starved) leaves holes of 100–400 ms in a prompt
        /// and then goes on from where it was. Such a hole is not a stop (no false barge-in);
        /// the end is reported (at its real time) only if the recording does not go on.
        public var dropoutMs = 700
        /// Sound back after a hole must be matched as the recording's continuation within
        /// this long (the comparison window must first fill with the new sound).
        public var dropoutVerifyMs = 400
        /// Share of a window's frames that must carry sound before it is searched.
        public var minActiveFraction: Float = 0.6
        /// A confirmed match must also correlate with the recording's waveform: the bot
        /// plays that very recording, so the last `waveformCheckMs` of received audio and
        /// the recording at the matched place (± `waveformLagSamples`) correlate near 1
        /// through G.711 and line noise, while another voice whose spectrum happens to
        /// move alike (the band deltas match) does not correlate at all.
        /// (Prompts of one TTS voice that share words correlate up to ~0.75 there.)
        public var minWaveformCorrelation: Float = 0.85
        public var waveformCheckMs = 200
        public var waveformLagSamples = 120
        /// Drop alignments part way through the search once they cannot reach the score
        /// needed (same result as comparing all; false compares every one in full, the
        /// reference that tests and `parley bench sim` measure against).
        public var pruneSearch = true

        public init() {}
    }

    /// A prompt started: `startMs` is when its audio began (back-dated from the match),
    /// `detectedMs` when it was recognised, `offsetMs` how far into the recording the
    /// match was when first heard (0 when heard from its start).
    public struct Start: Sendable, Equatable {
        public var prompt: String
        public var variant: String
        public var confidence: Double
        public var startMs: Int
        public var detectedMs: Int
        public var offsetMs: Int
        /// Normalised correlation with the recording's waveform at confirmation.
        public var waveformCorrelation: Double = 0
    }

    /// A prompt stopped: `endMs` is its last audible moment.
    public struct End: Sendable, Equatable {
        public var prompt: String
        public var endMs: Int
        public var detectedMs: Int
        /// False when its last recording played to the end.
        public var interrupted: Bool
    }

    public enum Event: Sendable, Equatable {
        case started(Start)
        case ended(End)
    }

    /// Deltas are clipped to ±this (dB), so onsets and offsets do not dominate a window.
    static let maxDeltaDb: Float = 6
    /// How far a new prompt's back-dated start may lie from the end of the silence before
    /// it for that silence to count as the gap between the two prompts (ms).
    static let pauseEndToleranceMs = 100
    /// Decisions are taken every this many 10 ms blocks.
    static let decisionBlocks = 2
    /// A live window with less change than this (norm of its deltas, dB) is not compared.
    static let minWindowNorm: Float = 10

    public let configuration: Configuration
    public let references: [PromptReference]
    /// Caller clock of the first sample fed (ms); events are on this clock.
    public var originMs: Int

    var analyzer = BandEnergyAnalyzer()
    // Live frames, a ring of `ringFrames` × bands, and their activity.
    let ringFrames: Int
    var ring: [Float]
    var ringActive: [Bool]
    var window: [Float]
    /// The same window, one vector of bands per frame, and the norm of its frames after
    /// each of the pruned search's bound checks.
    var windowVectors: [SIMD8<Float>]
    var windowTailNorms: [Float]
    var windowNorm: Float = 0
    /// The pruned search's scratch: alignments left after its first pass, their partial sums.
    var searchSurvivors: [Int]
    var searchPartials: [SIMD8<Float>]
    /// The search's work so far.
    public internal(set) var searchCounters = SearchCounters()
    var noiseFloorDb: Float = -75
    var lastActiveMs = 0
    var silentRunMs = 0
    /// The last silence of at least `endSilenceMs`: from the end of the sound before it to
    /// the sound after it (`soundBackMs`, nil while it lasts). A tracked prompt the bot
    /// stopped just before a pause in its recording ends where that silence began.
    var longSilence: (fromMs: Int, soundBackMs: Int?)?
    var onsetMs = 0
    var track: Track?
    var hypotheses: [Hypothesis]
    var hypothesisCount = 0
    var events: [Event?]
    /// The last `liveSampleCapacity` received samples (a ring; `samplesSeen` in all).
    let liveSampleCapacity: Int
    var liveSamples: [Int16]
    /// Scratch for the waveform check: first differences of the live samples it compares.
    var liveDifferences: [Float]
    var samplesSeen = 0
    var lastCorrelation: Float = 0
    /// End of the last prompt reported (caller clock).
    var lastPromptEndMs = Int.min
    /// Holes in a prompt that the same recording went on after (not reported as ends).
    public internal(set) var dropoutCount = 0
    var eventHead = 0
    var eventCount = 0

    /// The prompt being tracked.
    struct Track: Sendable {
        var reference: Int
        /// Reference frame aligned with the newest live frame.
        var position: Int
        var positionAtLastActive: Int
        var startMs: Int
        var lastGoodMs: Int
        /// Set while the prompt has gone silent mid-recording: the end of its last sound.
        /// If the same recording then goes on from where it fell silent, the silence was a
        /// dropout in the bot's stream (a stalled sender), not a stop.
        var suspendedEndMs: Int?
        /// When sound came back during a suspension (caller clock).
        var soundBackMs: Int?
    }

    /// A match being confirmed.
    struct Hypothesis: Sendable {
        var reference: Int
        var position: Int
        var count: Int
        var scoreSum: Float
        /// Ripe and checked against the recording's waveform (`correlation`).
        var waveformChecked = false
        var correlation: Float = 0
        var mean: Float { scoreSum / Float(count) }
    }

    /// Fingerprints every fixed recording of the catalog's prompts, loaded at 8 kHz.
    public init(catalog: PromptCatalog, configuration: Configuration = Configuration(),
                loader: PromptLoader = PromptLoader(sampleRateHz: 8_000), originMs: Int = 0) throws(AudioFileError) {
        var recordings: [(prompt: String, variant: String, index: Int, first: Bool, last: Bool, samples: [Int16])] = []
        for prompt in catalog.prompts {
            for variant in prompt.variants {
                let lastFile = variant.segments.lastIndex { if case .file = $0 { return true } else { return false } }
                for (i, segment) in variant.segments.enumerated() {
                    guard case .file(let path) = segment else { continue }
                    let audio = try loader.load(path: path)
                    recordings.append((prompt.name, variant.name, i, i == 0, i == lastFile, audio.samples))
                }
            }
        }
        self.init(recordings: recordings.map { ($0.prompt, $0.variant, $0.index, $0.first, $0.last, $0.samples) },
                  configuration: configuration, originMs: originMs)
    }

    /// From PCM at 8 kHz: (prompt, variant, segment index, is first, is last, samples).
    public init(recordings: [(String, String, Int, Bool, Bool, [Int16])],
                configuration: Configuration = Configuration(), originMs: Int = 0) {
        self.configuration = configuration
        self.originMs = originMs
        let n = configuration.windowFrames
        self.references = recordings.map {
            PromptReference(prompt: $0.0, variant: $0.1, segmentIndex: $0.2, isFirst: $0.3, isLast: $0.4,
                            samples: $0.5, windowFrames: n)
        }
        let bands = BandEnergyAnalyzer.bandCount
        ringFrames = n + 1
        ring = [Float](repeating: 0, count: ringFrames * bands)
        ringActive = [Bool](repeating: false, count: ringFrames)
        window = [Float](repeating: 0, count: n * bands)
        windowVectors = [SIMD8<Float>](repeating: .zero, count: n)
        let mostAlignments = references.map(\.alignmentCount).max() ?? 0
        searchSurvivors = [Int](repeating: 0, count: mostAlignments)
        searchPartials = [SIMD8<Float>](repeating: .zero, count: mostAlignments)
        windowTailNorms = [Float](repeating: 0, count: max(0, (n - 1) / PromptReference.pruneStrideFrames))
        liveDifferences = [Float](repeating: 0, count: configuration.waveformCheckMs * 8)
        liveSampleCapacity = (configuration.waveformCheckMs * 8 + 2 * configuration.waveformLagSamples + 1_024)
        liveSamples = [Int16](repeating: 0, count: liveSampleCapacity)
        events = [Event?](repeating: nil, count: 16)
        hypotheses = [Hypothesis](repeating: Hypothesis(reference: 0, position: 0, count: 0, scoreSum: 0), count: 6)
    }

    /// The prompt playing now, if one is recognised.
    public var currentPrompt: String? { track.map { references[$0.reference].prompt } }

    /// Caller clock (ms) at the end of the audio fed so far.
    public var nowMs: Int { originMs + analyzer.blockCount * BandEnergyAnalyzer.blockMs }

    /// Feeds received audio (8 kHz PCM, any count).
    public mutating func process(_ samples: Span<Int16>) {
        for i in 0..<samples.count {
            liveSamples[samplesSeen % liveSampleCapacity] = samples[i]
            samplesSeen += 1
            if analyzer.push(samples[i]) { block() }
        }
    }

    /// The next event, oldest first.
    public mutating func nextEvent() -> Event? {
        guard eventCount > 0 else { return nil }
        let e = events[eventHead]
        events[eventHead] = nil
        eventHead = (eventHead + 1) % events.count
        eventCount -= 1
        return e
    }

    mutating func emit(_ event: Event) {
        guard eventCount < events.count else { return }   // full: dropped (never blocks)
        events[(eventHead + eventCount) % events.count] = event
        eventCount += 1
    }
}
