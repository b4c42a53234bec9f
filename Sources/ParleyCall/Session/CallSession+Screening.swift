import ParleyDialogue
import ParleyMedia

extension CallSession {
    /// Acts on the answer screening's decision: the dialogue, the voicemail message, or a hang-up.
    func screened(_ decision: OutboundScreenDecision) async {
        screening = false
        tap.stopScreening()
        let verdict = screen?.verdict
        summaryCell.withLock {
            $0.amdVerdict = verdict?.name
            $0.amdDecisionMs = verdict?.decisionMs
        }
        recordEvent("amd", ["verdict": verdict?.name ?? "unknown", "decision_ms": String(verdict?.decisionMs ?? 0),
                            "action": "\(decision)"])
        switch decision {
        case .converse:
            await apply(engine.handle(.callStarted(variables: variables)))
        case .hangUp:
            await finish(disposition: "machine", sendBye: true)
        case .leaveMessage:
            let files = voicemailFiles()
            guard !files.isEmpty else {
                await finish(disposition: "machine", sendBye: true)
                return
            }
            rollTurn(prompt: "voicemail")
            for (i, index) in files.enumerated() { media.play(index, bargeIn: .off, replace: i == 0) }
            voicemailPlaybackID = -1
            playback = PlaybackProgress(id: -1, remaining: files.count)
        }
    }

    /// The recordings of the script's `voicemail` prompt (first variant, file segments).
    func voicemailFiles() -> [UInt16] {
        guard let prompt = entry.script.prompt(named: "voicemail"), let variant = prompt.variants.first else { return [] }
        let dir = entry.script.promptDirectory
        return variant.segments.compactMap { segment in
            guard case .file(let f) = segment.kind else { return nil }
            return entry.promptIndex(of: f.hasPrefix("/") ? f : dir + "/" + f)
        }
    }

    /// The voicemail message played to its end.
    func voicemailFinished() async {
        voicemailPlaybackID = nil
        summaryCell.withLock { $0.voicemailLeft = true }
        await finish(disposition: "voicemail_left", sendBye: true)
    }
}
