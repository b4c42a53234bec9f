import Foundation
import Testing
@testable import ParleySim

@Suite struct LineModelTests {
    /// Runs `bot` through the line in 20 ms frames with a silent caller; returns what is sent.
    func run(_ line: inout LineModel, bot: [Int16]) -> [Int16] {
        var sent: [Int16] = []
        var i = 0
        while i + 160 <= bot.count {
            let frame = Array(bot[i..<i + 160])
            line.receive(frame.span)
            var out = [Int16](repeating: 0, count: 160)
            var span = out.mutableSpan
            line.transmit(&span)
            sent += out
            i += 160
        }
        return sent
    }

    func tone(ms: Int, amplitude: Double = 8_000) -> [Int16] {
        (0..<ms * 8).map { Int16(amplitude * sin(2 * Double.pi * 440 * Double($0) / 8_000)) }
    }

    func energy(_ s: ArraySlice<Int16>) -> Double { s.reduce(0) { $0 + Double($1) * Double($1) } }

    @Test(arguments: [(100, 6.0), (40, 20.0), (250, 12.0)])
    func echoDelayAndLevelMeasureBack(_ delayMs: Int, _ erlDb: Double) {
        var line = LineModel(configuration: LineConfiguration(echo: .init(delayMs: delayMs, returnLossDb: erlDb)))
        // A 200 ms burst after 100 ms of silence.
        let bot = [Int16](repeating: 0, count: 800) + tone(ms: 200) + [Int16](repeating: 0, count: 8_000)
        let sent = run(&line, bot: bot)
        let onset = sent.firstIndex { abs(Int($0)) > 50 } ?? -1
        #expect(abs(onset - (800 + delayMs * 8)) <= 8, "echo onset \(onset) samples")
        let echoEnergy = energy(sent[(800 + delayMs * 8)..<(800 + delayMs * 8 + 1_600)])
        let botEnergy = energy(bot[800..<2_400])
        let measuredErl = 10 * log10(botEnergy / echoEnergy)
        #expect(abs(measuredErl - erlDb) < 0.2, "ERL \(measuredErl) dB")
    }

    @Test(arguments: [LineConfiguration.Noise.Kind.white, .babble], [10.0, 20.0, 30.0])
    func noiseSnrMeasuresBack(_ kind: LineConfiguration.Noise.Kind, _ snrDb: Double) {
        let speechRms = 2_000.0
        var line = LineModel(configuration: LineConfiguration(noise: .init(kind: kind, snrDb: snrDb, speechRmsLevel: speechRms), seed: 9))
        let sent = run(&line, bot: [Int16](repeating: 0, count: 80_000))
        let noiseRms = (energy(sent[...]) / Double(sent.count)).squareRoot()
        let measured = 20 * log10(speechRms / noiseRms)
        #expect(abs(measured - snrDb) < 1.0, "\(kind) SNR \(measured) dB")
    }

    @Test func sameSeedSameNoiseOtherSeedOtherNoise() {
        let config = LineConfiguration(noise: .init(kind: .babble, snrDb: 15), seed: 3)
        var a = LineModel(configuration: config), b = LineModel(configuration: config)
        var c = LineModel(configuration: LineConfiguration(noise: .init(kind: .babble, snrDb: 15), seed: 4))
        let silent = [Int16](repeating: 0, count: 1_600)
        let x = run(&a, bot: silent), y = run(&b, bot: silent), z = run(&c, bot: silent)
        #expect(x == y)
        #expect(x != z)
    }

    @Test func speechPassesThroughAndSaturates() {
        var line = LineModel(configuration: LineConfiguration(echo: .init(delayMs: 0, returnLossDb: 0)))
        line.receive([Int16](repeating: 30_000, count: 160).span)
        var out = [Int16](repeating: 30_000, count: 160)
        var span = out.mutableSpan
        line.transmit(&span)
        #expect(out.allSatisfy { $0 == 32_767 })
    }
}
