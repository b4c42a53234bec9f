import Foundation
@testable import ParleySpeech

/// Locates generated and committed fixtures. Generated ones come from
/// Scripts/fixtures.d/30-speech.sh; a missing one is a clear failure, never a skip.
enum SpeechFixtures {
    struct FixtureMissing: Error, CustomStringConvertible {
        var description: String
    }

    struct Utterance: Sendable {
        var id: String
        var expected: String
        var text: String
    }

    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var generated: URL {
        if let path = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"] { return URL(fileURLWithPath: path) }
        return repoRoot.appendingPathComponent(".data/fixtures")
    }

    static func committed(_ name: String) -> URL {
        repoRoot.appendingPathComponent("Tests/ParleySpeechTests/Fixtures/\(name)")
    }

    /// Lines of a TSV file without comments and blank lines, split on tabs.
    static func tsv(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static func e2eIntents() throws -> [IntentDefinition] {
        var order: [String] = []
        var examples: [String: [String]] = [:]
        for row in try tsv(committed("e2e-intents.tsv")) {
            if examples[row[0]] == nil { order.append(row[0]) }
            examples[row[0], default: []].append(row[1])
        }
        return order.map { IntentDefinition(name: $0, examples: examples[$0]!, language: "en-US") }
    }

    static func e2eUtterances() throws -> [Utterance] {
        try tsv(committed("e2e-utterances.tsv")).map { Utterance(id: $0[0], expected: $0[1], text: $0[4]) }
    }

    /// 8 kHz 16-bit PCM of an utterance (after μ-law).
    static func audio(_ id: String) throws -> [Int16] {
        let url = generated.appendingPathComponent("speech/\(id).s16")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw FixtureMissing(description: "missing \(url.path): run Scripts/fixtures.sh (Scripts/fixtures.d/30-speech.sh)")
        }
        var samples = [Int16](repeating: 0, count: data.count / 2)
        for index in samples.indices {
            samples[index] = Int16(bitPattern: UInt16(data[2 * index]) | UInt16(data[2 * index + 1]) << 8)
        }
        return samples
    }
}

/// Waits for a session's terminal event, failing after `timeoutMs`.
func terminal(of session: RecognitionSession, timeoutMs: Int) async throws -> (partials: [RecognitionResult], terminal: RecognizerEvent) {
    try await withThrowingTaskGroup(of: ([RecognitionResult], RecognizerEvent?).self) { group in
        group.addTask { await session.terminalEvent() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(timeoutMs))
            return ([], nil)
        }
        let first = try await group.next()!
        group.cancelAll()
        guard let event = first.1 else {
            throw SpeechFixtures.FixtureMissing(description: "no terminal event within \(timeoutMs) ms")
        }
        return (first.0, event)
    }
}
