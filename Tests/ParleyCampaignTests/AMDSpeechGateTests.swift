import Testing
@testable import ParleyCampaign

/// The detector's speech gate and beep timing on synthetic signals: the voice-band gate hears
/// voiced speech the broadband gate loses in white noise, 10 and 20 ms frames are analysed
/// alike, and a tone is a machine as soon as it has lasted a beep's length.
struct AMDSpeechGateTests {
    static func run(_ samples: [Int16], frameSamples: Int = 160,
                    configuration: AMDConfiguration = AMDConfiguration()) -> AMDLabelledSet.Run {
        AMDLabelledSet.run(samples, frameSamples: frameSamples, configuration: configuration)
    }

    /// 300 ms of line noise, then `speechMs` of speech-like buzz at `speechGain`, in white
    /// noise of `noiseAmplitude` throughout.
    static func speechInNoise(speechMs: Int, speechGain: Double, noiseAmplitude: Double) -> [Int16] {
        let speech = Synth.silence(ms: 300) + Synth.babble(ms: speechMs).map { Int16(Double($0) * speechGain) }
            + Synth.silence(ms: 5000 - speechMs)
        let noise = Synth.noise(ms: 5300, amplitude: noiseAmplitude, seed: 11)
        return zip(speech, noise).map { $0 &+ $1 }
    }

    @Test func theVoiceBandHearsALongGreetingInWhiteNoise() {
        let greeting = Self.speechInNoise(speechMs: 4000, speechGain: 0.4, noiseAmplitude: 0.02)
        let banded = Self.run(greeting).decision
        #expect(banded?.verdict == .machine && banded.map { $0.atMs < 2000 } == true, "\(String(describing: banded))")
        var broadbandOnly = AMDConfiguration()
        broadbandOnly.bandSpeechOverNoiseDb = .infinity
        let broadband = Self.run(greeting, configuration: broadbandOnly).decision
        #expect(broadband?.verdict != .machine, "the broadband gate alone should lose this greeting in the noise")
        // The same noise without speech is nobody speaking, for the band gate too.
        let noiseOnly = Self.speechInNoise(speechMs: 0, speechGain: 0, noiseAmplitude: 0.02)
        #expect(Self.run(noiseOnly).decision?.verdict == .unknown)
    }

    @Test func tenAndTwentyMsFramesAreAnalysedAlike() {
        for speechMs in [600, 4000] {
            let clip = Self.speechInNoise(speechMs: speechMs, speechGain: 0.4, noiseAmplitude: 0.02)
            let twenty = Self.run(clip, frameSamples: 160).decision
            let ten = Self.run(clip, frameSamples: 80).decision
            #expect(twenty?.verdict == (speechMs < 1000 ? .human : .machine) && twenty == ten, "speech \(speechMs) ms: \(String(describing: twenty)) vs \(String(describing: ten))")
        }
    }

    @Test func aToneIsAMachineOnceItLastsABeep() {
        let samples = Synth.silence(ms: 300) + Synth.tone([1000], ms: 800) + Synth.silence(ms: 1000)
        for frameSamples in [80, 160] {
            let r = Self.run(samples, frameSamples: frameSamples)
            let minBeep = AMDConfiguration().minBeepMs
            #expect(r.decision?.verdict == .machine && r.decision?.reason == .beep)
            #expect(r.decision.map { $0.atMs >= 300 + minBeep && $0.atMs <= 300 + minBeep + 20 } == true,
                    "decided at \(String(describing: r.decision?.atMs)) ms, the tone began at 300")
            #expect(r.beeps.count == 1 && r.beeps.first.map { abs($0.startMs - 300) <= 20 && abs($0.endMs - 1100) <= 20 } == true)
        }
    }
}
