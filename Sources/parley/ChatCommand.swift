/// `parley chat` — not built yet (placeholder; its issue fills it in).
enum ChatCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley chat: not built yet")
        return 2
    }
}
