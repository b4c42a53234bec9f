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
        if var t = track {
            t.position += 1
            if active { t.positionAtLastActive = t.position }
            track = t
        }
        if active {
            if silentRunMs >= 300 || analyzer.blockCount == 1 { onsetMs = nowMs - BandEnergyAnalyzer.blockMs }
            silentRunMs = 0
            lastActiveMs = nowMs
        } else {
            silentRunMs += BandEnergyAnalyzer.blockMs
        }
        guard analyzer.blockCount >= ringFrames, analyzer.blockCount % Self.frameStride == 0 else { return }
        let activeFraction = buildWindow(newest: newest)
        decide(activeFraction: activeFraction)
    }

    /// Copies the strided window out of the ring, mean-free per band, with band norms.
    /// Returns the share of its frames that carry sound.
    mutating func buildWindow(newest: Int) -> Float {
        let bands = BandEnergyAnalyzer.bandCount
        let n = configuration.windowFrames
        var activeCount = 0
        for t in 0..<n {
            let slot = (newest - (n - 1 - t) * Self.frameStride) % ringFrames
            if ringActive[slot] { activeCount += 1 }
            for b in 0..<bands { window[t * bands + b] = ring[slot * bands + b] }
        }
        let minNorm = Self.minBandDeviationDb * Float(n).squareRoot()
        for b in 0..<bands {
            var sum: Float = 0
            for t in 0..<n { sum += window[t * bands + b] }
            let mean = sum / Float(n)
            var squares: Float = 0
            for t in 0..<n {
                let v = window[t * bands + b] - mean
                window[t * bands + b] = v
                squares += v * v
            }
            let norm = squares.squareRoot()
            windowNorms[b] = norm >= minNorm ? norm : 0
        }
        return Float(activeCount) / Float(n)
    }

    struct Candidate {
        var reference: Int
        var alignment: Int
        var score: Float
        /// Best score of any other prompt.
        var rival: Float
    }

    /// Best alignment over every recording.
    func search() -> Candidate? {
        var best: Candidate?
        var rivalScore: Float = -1
        let n = configuration.windowFrames
        for (j, ref) in references.enumerated() {
            for k in 0..<ref.alignmentCount {
                let s = ref.score(at: k, live: window, liveNorms: windowNorms, windowFrames: n, frameStride: Self.frameStride)
                if let b = best {
                    if s > b.score {
                        if references[b.reference].prompt != ref.prompt { rivalScore = max(rivalScore, b.score) }
                        best = Candidate(reference: j, alignment: k, score: s, rival: -1)
                    } else if references[b.reference].prompt != ref.prompt {
                        rivalScore = max(rivalScore, s)
                    }
                } else {
                    best = Candidate(reference: j, alignment: k, score: s, rival: -1)
                }
            }
        }
        // The rival may have been measured against an earlier best of the same prompt as the
        // final best; recompute it exactly when close.
        guard var result = best else { return nil }
        if rivalScore > result.score - configuration.ambiguityMargin * 2 {
            rivalScore = -1
            let winner = references[result.reference].prompt
            for ref in references where ref.prompt != winner {
                for k in 0..<ref.alignmentCount {
                    rivalScore = max(rivalScore, ref.score(at: k, live: window, liveNorms: windowNorms,
                                                           windowFrames: n, frameStride: Self.frameStride))
                }
            }
        }
        result.rival = rivalScore
        return result
    }

    func accepted(_ c: Candidate?) -> Candidate? {
        guard let c, c.score >= configuration.matchThreshold,
              c.score - c.rival >= configuration.ambiguityMargin else { return nil }
        return c
    }

    mutating func decide(activeFraction: Float) {
        let now = nowMs
        let blockMs = BandEnergyAnalyzer.blockMs
        let span = ringFrames
        guard var t = track else {
            guard activeFraction >= configuration.minActiveFraction, let c = accepted(search()) else { return }
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
                let s = ref.score(at: k, live: window, liveNorms: windowNorms,
                                  windowFrames: configuration.windowFrames, frameStride: Self.frameStride)
                if s > bestScore { bestScore = s; bestK = k }
            }
            if bestScore >= configuration.trackThreshold {
                t.position = bestK + span - 1
                t.lastGoodMs = now
                good = true
            }
        }
        // Silence the recording does not explain ends the prompt.
        let refQuiet = t.position < ref.frameCount && !ref.active[max(0, t.position)]
        let silenceLimit = inGap ? configuration.gapSilenceMs : configuration.endSilenceMs
        if silentRunMs >= silenceLimit && !refQuiet {
            track = nil
            finish(t, endMs: lastActiveMs, now: now)
            return
        }
        if !good && activeFraction >= configuration.minActiveFraction, let c = accepted(search()) {
            let cand = references[c.reference]
            let continues = cand.prompt == ref.prompt && cand.variant == ref.variant
                && (cand.segmentIndex > ref.segmentIndex || (c.reference == t.reference && !pastEnd))
            if continues {
                t.reference = c.reference
                t.position = c.alignment + span - 1
                t.positionAtLastActive = t.position
                t.lastGoodMs = now
                track = t
                return
            }
            let newStart = now - (c.alignment + span) * blockMs
            track = nil
            finish(t, endMs: min(lastActiveMs, max(t.startMs, newStart - blockMs)), now: now)
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

    mutating func begin(_ c: Candidate, now: Int) {
        let ref = references[c.reference]
        let position = c.alignment + ringFrames - 1
        let segmentStart = now - (position + 1) * BandEnergyAnalyzer.blockMs
        let start = ref.isFirst ? segmentStart : min(segmentStart, onsetMs)
        track = Track(reference: c.reference, position: position, positionAtLastActive: position,
                      startMs: start, lastGoodMs: now)
        emit(.started(Start(prompt: ref.prompt, variant: ref.variant, confidence: Double(c.score), startMs: start,
                            detectedMs: now, offsetMs: c.alignment * BandEnergyAnalyzer.blockMs)))
    }

    mutating func finish(_ t: Track, endMs: Int, now: Int) {
        let ref = references[t.reference]
        let toleranceFrames = configuration.finishToleranceMs / BandEnergyAnalyzer.blockMs
        let finished = ref.isLast && t.positionAtLastActive >= ref.frameCount - toleranceFrames
        emit(.ended(End(prompt: ref.prompt, endMs: endMs, detectedMs: now, interrupted: !finished)))
    }
}
