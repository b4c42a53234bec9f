/// `parley bench sip` — not built yet (its issue fills it in).
enum BenchSIP {
    static func run(_ arguments: [String]) -> Int32 {
        FileHandleOutput.error("parley bench sip: not built yet")
        return 2
    }
}
