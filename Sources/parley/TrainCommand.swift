/// `parley train` — not built yet (placeholder; its issue fills it in).
enum TrainCommand {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley train: not built yet")
        return 2
    }
}
