/// `parley bench speech` — not built yet (its issue fills it in).
enum BenchSpeech {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench speech: not built yet")
        return 2
    }
}
