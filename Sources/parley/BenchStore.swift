/// `parley bench store` — not built yet (its issue fills it in).
enum BenchStore {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench store: not built yet")
        return 2
    }
}
