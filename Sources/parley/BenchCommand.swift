/// `parley bench` — not built yet (placeholder; its issue fills it in).
enum BenchCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench: not built yet")
        return 2
    }
}
