/// `parley bench core` — not built yet (its issue fills it in).
enum BenchCore {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench core: not built yet")
        return 2
    }
}
