/// `parley lint` — not built yet (placeholder; its issue fills it in).
enum LintCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley lint: not built yet")
        return 2
    }
}
