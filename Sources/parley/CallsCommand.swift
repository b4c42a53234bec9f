/// `parley calls` — not built yet (placeholder; its issue fills it in).
enum CallsCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley calls: not built yet")
        return 2
    }
}
