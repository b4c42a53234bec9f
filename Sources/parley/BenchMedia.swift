/// `parley bench media` — not built yet (its issue fills it in).
enum BenchMedia {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench media: not built yet")
        return 2
    }
}
