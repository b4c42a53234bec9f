extension PromptRecognizer {
    /// One 10 ms block completed: store its frame, update activity, decide every 20 ms.
    mutating func block() {
        let bands = BandEnergyAnalyzer.bandCount
        let newest = analyzer.blockCount - 1
        let slot = newest % ringFrames
        analyzer.frame(into: &ring, at: slot * bands)
        let level = analyzer.lastBlockLevelDb
        // Noise floor: follows the quietest block down at once, creeps up 20 dB/s.
        noiseFloorDb = level < noiseFloorDb ? level : noiseFloorDb + 0.2
        let active = level > noiseFloorDb + 9 && level > -65
        ringActive[slot] = active
        for i in 0..<hypothesisCount { hypotheses[i].position += 1 }
        if var t = track {
            t.position += 1
            if active { t.positionAtLastActive = t.position }
            track = t
        }
        if active {
            if silentRunMs >= 300 || analyzer.blockCount == 1 { onsetMs = nowMs - BandEnergyAnalyzer.blockMs }
            if silentRunMs >= configuration.endSilenceMs, let quiet = longSilence {
                longSilence = (quiet.fromMs, nowMs - BandEnergyAnalyzer.blockMs)
            }
            silentRunMs = 0
            lastActiveMs = nowMs
        } else {
            silentRunMs += BandEnergyAnalyzer.blockMs
            if silentRunMs == configuration.endSilenceMs { longSilence = (lastActiveMs, nil) }
        }
        guard analyzer.blockCount >= ringFrames, analyzer.blockCount % Self.decisionBlocks == 0 else { return }
        let activeFraction = buildWindow(newest: newest)
        decide(activeFraction: activeFraction)
    }

    /// The last `windowFrames` deltas of the live band energies, their norm, and the
    /// share of the window's frames that carry sound.
    mutating func buildWindow(newest: Int) -> Float {
        let bands = BandEnergyAnalyzer.bandCount
        let n = configuration.windowFrames
        var activeCount = 0
        var squares: Float = 0
        for t in 0..<n {
            let slot = (newest - (n - 1 - t)) % ringFrames
            let previous = (slot + ringFrames - 1) % ringFrames
            if ringActive[slot] { activeCount += 1 }
            var mean: Float = 0
            for b in 0..<bands { mean += ring[slot * bands + b] - ring[previous * bands + b] }
            mean /= Float(bands)
            var vector = SIMD8<Float>.zero
            for b in 0..<bands {
                let d = max(-Self.maxDeltaDb, min(Self.maxDeltaDb, ring[slot * bands + b] - ring[previous * bands + b] - mean))
                window[t * bands + b] = d
                vector[b] = d
                squares += d * d
            }
            windowVectors[t] = vector
        }
        let norm = squares.squareRoot()
        windowNorm = norm >= Self.minWindowNorm ? norm : 0
        // What the frames after each bound check can still add (see `PromptReference.tailNorms`).
        for c in 0..<windowTailNorms.count {
            var tail: Float = 0
            for t in ((c + 1) * PromptReference.pruneStrideFrames)..<n { tail += (windowVectors[t] * windowVectors[t]).sum() }
            windowTailNorms[c] = tail.squareRoot()
        }
        return Float(activeCount) / Float(n)
    }

    /// Evidence over time: the best alignment of each decision becomes a hypothesis; a
    /// hypothesis survives while its recording keeps matching where time says it should.
    /// Returns one confirmed by `confirmDecisions` consecutive matches with no rival
    /// prompt close behind, as a candidate.
    mutating func confirmHypotheses(activeFraction: Float) -> Candidate? {
        var kept = 0
        for i in 0..<hypothesisCount {
            var h = hypotheses[i]
            let (position, score) = verify(h.reference, position: h.position)
            guard score >= configuration.confirmThreshold else { continue }
            h.position = position
            h.count += 1
            h.scoreSum += score
            hypotheses[kept] = h
            kept += 1
        }
        hypothesisCount = kept
        if activeFraction >= configuration.minActiveFraction, let c = search(atLeast: configuration.matchThreshold) {
            let position = c.alignment + configuration.windowFrames - 1
            let known = hypotheses[0..<hypothesisCount].contains {
                $0.reference == c.reference && abs($0.position - position) <= 3
            }
            if !known {
                let h = Hypothesis(reference: c.reference, position: position, count: 1, scoreSum: c.score,
                                   waveformChecked: false, correlation: 0)
                if hypothesisCount < hypotheses.count {
                    hypotheses[hypothesisCount] = h
                    hypothesisCount += 1
                } else if let weakest = (0..<hypothesisCount).min(by: { hypotheses[$0].count < hypotheses[$1].count }) {
                    hypotheses[weakest] = h
                }
            }
        }
        // Ripe hypotheses must match the recording's waveform too; those that do not are dropped.
        var i = 0
        while i < hypothesisCount {
            let h = hypotheses[i]
            if h.count >= configuration.confirmDecisions && h.mean >= configuration.confirmMean && !h.waveformChecked {
                let c = waveformCorrelation(h.reference, position: h.position)
                if c < configuration.minWaveformCorrelation {
                    hypotheses[i] = hypotheses[hypothesisCount - 1]
                    hypothesisCount -= 1
                    continue
                }
                hypotheses[i].waveformChecked = true
                hypotheses[i].correlation = c
            }
            i += 1
        }
        var best: Int?
        for i in 0..<hypothesisCount where hypotheses[i].waveformChecked {
            if let b = best, hypotheses[b].mean >= hypotheses[i].mean { continue }
            best = i
        }
        guard let b = best else { return nil }
        let winner = hypotheses[b]
        let prompt = references[winner.reference].prompt
        for i in 0..<hypothesisCount where i != b && references[hypotheses[i].reference].prompt != prompt
            && hypotheses[i].count >= 2 && hypotheses[i].mean > winner.mean - configuration.ambiguityMargin {
            return nil
        }
        hypothesisCount = 0
        lastCorrelation = winner.correlation
        return Candidate(reference: winner.reference, alignment: winner.position - (configuration.windowFrames - 1),
                         score: winner.mean)
    }

    /// Normalised cross-correlation of the first differences (a pre-emphasis: no DC, no
    /// hum) of the last `waveformCheckMs` of received samples and of recording `j` where
    /// its frame `position` is aligned with the newest live frame, best over
    /// ± `waveformLagSamples`; 0 when too little of the recording is in range.
    mutating func waveformCorrelation(_ j: Int, position: Int) -> Float {
        let ref = references[j].differences
        let capacity = liveSampleCapacity
        let blockSamples = BandEnergyAnalyzer.blockSamples
        let end = analyzer.blockCount * blockSamples   // live samples up to the newest frame
        let shift = (analyzer.blockCount - 1 - position) * blockSamples   // live index − recording index
        let maxLag = configuration.waveformLagSamples
        // Live index i and i − 1 in the ring; recording index i − shift + lag and the one before in range.
        let start = max(end - configuration.waveformCheckMs * 8, samplesSeen - capacity + 1, shift + maxLag + 1, 1)
        let stop = min(end, ref.count + shift - maxLag)
        guard stop - start >= 400 else { return 0 }
        // The live first differences, once, in order (the ring read per lag was most of the cost).
        let count = stop - start
        var liveEnergy: Float = 0
        for i in 0..<count {
            let d = Float(liveSamples[(start + i) % capacity]) - Float(liveSamples[(start + i - 1) % capacity])
            liveDifferences[i] = d
            liveEnergy += d * d
        }
        guard liveEnergy > 0 else { return 0 }
        var best: Float = 0
        var lag = -maxLag
        while lag <= maxLag {
            var dot: Float = 0, refEnergy: Float = 0
            let base = start - shift + lag
            for i in 0..<count {
                let r = ref[base + i]
                dot += liveDifferences[i] * r
                refEnergy += r * r
            }
            if refEnergy > 0 { best = max(best, dot / (liveEnergy * refEnergy).squareRoot()) }
            lag += 1
        }
        return best
    }

    mutating func decide(activeFraction: Float) {
        let now = nowMs
        let blockMs = BandEnergyAnalyzer.blockMs
        let span = configuration.windowFrames
        guard var t = track else {
            guard let c = confirmHypotheses(activeFraction: activeFraction) else { return }
            // A prompt does not start in silence: a match ripening after the sound stopped
            // (another prompt sharing words, heard in the past) is not reported.
            guard silentRunMs < configuration.endSilenceMs else { return }
            begin(c, now: now)
            return
        }
        let ref = references[t.reference]
        let pastEnd = t.position >= ref.frameCount
        let inGap = pastEnd && !ref.isLast
        // Follow the tracked recording within ±20 ms.
        var good = false
        let k0 = t.position - (span - 1)
        if k0 >= -2, k0 < ref.alignmentCount + 2, ref.alignmentCount > 0 {
            var bestK = -1, bestScore: Float = -1
            for k in max(0, k0 - 2)...min(ref.alignmentCount - 1, max(0, k0 + 2)) {
                let s = ref.score(at: k, live: windowVectors, liveNorm: windowNorm)
                if s > bestScore { bestScore = s; bestK = k }
            }
            if bestScore >= configuration.trackThreshold {
                t.position = bestK + span - 1
                t.lastGoodMs = now
                good = true
            }
        }
        if let suspendedEnd = t.suspendedEndMs {
            decideSuspended(t, suspendedEndMs: suspendedEnd, good: good, activeFraction: activeFraction, now: now)
            return
        }
        // Silence the recording does not explain ends the prompt, or, in the middle of a
        // recording, suspends it (a dropout, if the recording goes on).
        let refQuiet = t.position < ref.frameCount && !ref.active[max(0, t.position)]
        let silenceLimit = inGap ? configuration.gapSilenceMs : configuration.endSilenceMs
        if silentRunMs >= silenceLimit && !refQuiet {
            let toleranceFrames = configuration.finishToleranceMs / BandEnergyAnalyzer.blockMs
            if !inGap && t.positionAtLastActive < ref.frameCount - toleranceFrames && configuration.dropoutMs > 0 {
                t.suspendedEndMs = lastActiveMs
                t.position = t.positionAtLastActive
                track = t
                return
            }
            track = nil
            finish(t, endMs: lastActiveMs, now: now)
            return
        }
        if good { hypothesisCount = 0 }
        if !good, let c = confirmHypotheses(activeFraction: activeFraction) {
            let cand = references[c.reference]
            // While a prompt is tracked (no silence ended it), a match of the same prompt is
            // that prompt going on (its next segment, or a variant sharing words), not a new one.
            let continues = cand.prompt == ref.prompt
            if continues {
                t.reference = c.reference
                t.position = c.alignment + span - 1
                t.positionAtLastActive = t.position
                t.lastGoodMs = now
                track = t
                return
            }
            let newStart = now - (c.alignment + span) * blockMs
            var endMs = min(lastActiveMs, max(t.startMs, newStart - blockMs))
            // The new prompt's sound came after a silence the tracked recording explained
            // (a pause in it): the bot stopped the tracked prompt where that silence began.
            if let quiet = longSilence, let back = quiet.soundBackMs, quiet.fromMs > t.startMs, quiet.fromMs < endMs,
               abs(back - newStart) <= Self.pauseEndToleranceMs {
                endMs = quiet.fromMs
            }
            track = nil
            finish(t, endMs: endMs, now: now)
            begin(c, now: now)
            return
        }
        let lostLimit = inGap ? configuration.lostMs * 4 : configuration.lostMs
        if !good && now - t.lastGoodMs >= lostLimit && !refQuiet {
            track = nil
            finish(t, endMs: t.lastGoodMs, now: now)
            return
        }
        track = t
    }

    /// A prompt gone silent mid-recording: while the line stays silent its place in the
    /// recording holds still; sound that continues the recording from there resumes it
    /// without an event; anything else (another prompt, the same one from an earlier
    /// point, unmatched sound, or silence past `dropoutMs`) ends it at its last sound.
    mutating func decideSuspended(_ track: Track, suspendedEndMs: Int, good: Bool, activeFraction: Float, now: Int) {
        var t = track
        let span = configuration.windowFrames
        if silentRunMs > 0 {
            t.position = t.positionAtLastActive   // nothing heard: the recording does not advance
            t.soundBackMs = nil
            if now - suspendedEndMs >= configuration.dropoutMs {
                self.track = nil
                finish(t, endMs: suspendedEndMs, now: now)
                return
            }
            self.track = t
            return
        }
        let back = t.soundBackMs ?? now
        t.soundBackMs = back
        if good && now - back >= configuration.windowFrames * BandEnergyAnalyzer.blockMs / 2 {
            // The recording goes on where it fell silent: a dropout.
            t.suspendedEndMs = nil
            t.soundBackMs = nil
            t.lastGoodMs = now
            hypothesisCount = 0
            dropoutCount += 1
            self.track = t
            return
        }
        if let c = confirmHypotheses(activeFraction: activeFraction) {
            let cand = references[c.reference]
            let position = c.alignment + span - 1
            if cand.prompt == references[t.reference].prompt && c.reference == t.reference
                && abs(position - t.position) <= 10 {
                t.suspendedEndMs = nil
                t.soundBackMs = nil
                t.position = position
                t.positionAtLastActive = position
                t.lastGoodMs = now
                dropoutCount += 1
                self.track = t
                return
            }
            self.track = nil
            finish(t, endMs: suspendedEndMs, now: now)
            begin(c, now: now)
            return
        }
        if now - back >= configuration.dropoutVerifyMs + configuration.windowFrames * BandEnergyAnalyzer.blockMs {
            self.track = nil
            finish(t, endMs: suspendedEndMs, now: now)
            return
        }
        self.track = t
    }

    mutating func begin(_ c: Candidate, now: Int) {
        let ref = references[c.reference]
        let position = c.alignment + configuration.windowFrames - 1
        let segmentStart = now - (position + 1) * BandEnergyAnalyzer.blockMs
        // Never before the previous prompt ended (back-dating is approximate).
        let start = max(ref.isFirst ? segmentStart : min(segmentStart, onsetMs), lastPromptEndMs)
        track = Track(reference: c.reference, position: position, positionAtLastActive: position,
                      startMs: start, lastGoodMs: now)
        emit(.started(Start(prompt: ref.prompt, variant: ref.variant, confidence: Double(c.score), startMs: start,
                            detectedMs: now, offsetMs: c.alignment * BandEnergyAnalyzer.blockMs,
                            waveformCorrelation: Double(lastCorrelation))))
    }

    mutating func finish(_ t: Track, endMs: Int, now: Int) {
        let ref = references[t.reference]
        let toleranceFrames = configuration.finishToleranceMs / BandEnergyAnalyzer.blockMs
        let finished = ref.isLast && t.positionAtLastActive >= ref.frameCount - toleranceFrames
        lastPromptEndMs = endMs
        emit(.ended(End(prompt: ref.prompt, endMs: endMs, detectedMs: now, interrupted: !finished)))
    }
}
