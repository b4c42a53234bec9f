/// What early media (before answer) shows.
public enum EarlyMediaVerdict: Sendable, Equatable {
    /// North American ringback: 440 + 480 Hz.
    case ringback
    /// Special information tones (ITU-T E.180 / Telcordia): three rising tones.
    case specialInformationTone(SITKind)
}

/// The SIT code, told apart by the first two tones' frequencies.
public enum SITKind: String, Sendable, Equatable {
    /// 913.8 / 1370.6 / 1776.7 Hz: number changed or disconnected.
    case intercept
    /// 985.2 / 1370.6 / 1776.7 Hz: unassigned number.
    case vacantCode
    /// 913.8 / 1428.5 / 1776.7 Hz: reorder (carrier congestion).
    case reorder
    /// 985.2 / 1428.5 / 1776.7 Hz: no circuit.
    case noCircuit
}

/// Classifies early media frame by frame with Goertzel filters at the SIT and ringback
/// frequencies. Reports each verdict once: SIT after its third tone has lasted
/// `minSITToneMs`; ringback after `minRingbackMs` of steady dual tone. No allocation
/// in `process`.
public struct EarlyMediaAnalyzer: Sendable {
    static let sitHz: [Double] = [913.8, 985.2, 1370.6, 1428.5, 1776.7]
    public let sampleRateHz: Int
    public var minSITToneMs = 200
    public var minRingbackMs = 800
    let sitCoefficients: [Double]
    let ringbackCoefficients: [Double]
    var elapsedMs = 0
    /// Current run: tone index (0…4 SIT, 5 ringback, -1 other) and its length.
    var runTone = -1
    var runMs = 0
    /// The two SIT tones before the current run, oldest first (-1 none).
    var previousTones = (-1, -1)
    var reportedSIT = false
    var reportedRingback = false

    public init(sampleRateHz: Int = 8000) {
        self.sampleRateHz = sampleRateHz
        let fs = Double(sampleRateHz)
        sitCoefficients = Self.sitHz.map { ToneAnalysis.coefficient(frequencyHz: $0, sampleRateHz: fs) }
        ringbackCoefficients = [440.0, 480.0].map { ToneAnalysis.coefficient(frequencyHz: $0, sampleRateHz: fs) }
    }

    public mutating func process(_ frame: Span<Int16>) -> EarlyMediaVerdict? {
        let frameMs = frame.count * 1000 / sampleRateHz
        elapsedMs += frameMs
        let energy = ToneAnalysis.energy(frame)
        var tone = -1
        if ToneAnalysis.levelDbfs(energy: energy, count: frame.count) >= -45 {
            var best = 0.0
            for i in 0..<sitCoefficients.count {
                let share = ToneAnalysis.toneShare(frame, coefficient: sitCoefficients[i], energy: energy)
                if share > best { best = share; tone = i }
            }
            if best < 0.6 { tone = -1 }
            let low = ToneAnalysis.toneShare(frame, coefficient: ringbackCoefficients[0], energy: energy)
            let high = ToneAnalysis.toneShare(frame, coefficient: ringbackCoefficients[1], energy: energy)
            if tone == -1 && low >= 0.2 && high >= 0.2 && low + high >= 0.7 { tone = 5 }
        }
        if tone == runTone {
            runMs += frameMs
        } else {
            if runTone >= 0 && runTone < 5 && runMs >= minSITToneMs {
                previousTones = (previousTones.1, runTone)
            } else if runMs >= 60 || runTone == 5 {
                previousTones = (-1, -1)   // something else came between: start over
            }
            runTone = tone
            runMs = frameMs
        }
        if !reportedSIT, runTone == 4, runMs >= minSITToneMs, let kind = sitKind() {
            reportedSIT = true
            return .specialInformationTone(kind)
        }
        if !reportedRingback, runTone == 5, runMs >= minRingbackMs {
            reportedRingback = true
            return .ringback
        }
        return nil
    }

    func sitKind() -> SITKind? {
        switch previousTones {
        case (0, 2): return .intercept
        case (1, 2): return .vacantCode
        case (0, 3): return .reorder
        case (1, 3): return .noCircuit
        default: return nil
        }
    }
}
