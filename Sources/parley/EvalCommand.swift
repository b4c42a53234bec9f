/// `parley eval` — not built yet (placeholder; its issue fills it in).
enum EvalCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley eval: not built yet")
        return 2
    }
}
