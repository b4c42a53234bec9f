/// `parley test` — not built yet (placeholder; its issue fills it in).
enum TestCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley test: not built yet")
        return 2
    }
}
