/// `parley bench audio` — not built yet (its issue fills it in).
enum BenchAudio {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench audio: not built yet")
        return 2
    }
}
