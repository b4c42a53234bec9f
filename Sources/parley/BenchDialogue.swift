/// `parley bench dialogue` — not built yet (its issue fills it in).
enum BenchDialogue {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench dialogue: not built yet")
        return 2
    }
}
