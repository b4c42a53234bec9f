import Synchronization

/// The script versions a daemon serves. Installing is atomic: a version that fails lint
/// is rejected with its diagnostics and the current one keeps serving; calls already
/// running keep the `DialogueScript` value they started with.
public final class DialogueScriptRegistry: Sendable {
    public struct Installed: Sendable {
        public var shared: DialogueScriptBox
        public var script: DialogueScript { shared.script }
        /// Increases by one per successful install.
        public var generation: Int
        public var warnings: [DialogueDiagnostic]
    }

    public enum InstallError: Error, Sendable {
        /// The candidate had lint errors; nothing changed.
        case rejected([DialogueDiagnostic])
    }

    private let current = Mutex<[String: Installed]>([:])
    private let linter: DialogueLinter

    public init(linter: DialogueLinter = DialogueLinter()) {
        self.linter = linter
    }

    /// Loads, lints and, if clean of errors, installs the script at `path` under its name.
    @discardableResult
    public func install(path: String) throws(InstallError) -> Installed {
        try install(linter.check(path: path))
    }

    /// Installs script text (tests, admin API uploads).
    @discardableResult
    public func install(text: String, path: String) throws(InstallError) -> Installed {
        try install(linter.check(text: text, path: path))
    }

    private func install(_ result: DialogueLoadResult) throws(InstallError) -> Installed {
        guard let script = result.script, !result.diagnostics.hasErrors else {
            throw .rejected(result.diagnostics.filter { $0.severity == .error })
        }
        return current.withLock { table in
            let installed = Installed(shared: DialogueScriptBox(script), generation: (table[script.name]?.generation ?? 0) + 1,
                                      warnings: result.diagnostics)
            table[script.name] = installed
            return installed
        }
    }

    /// The current version of `name`, for a new call.
    public func script(named name: String) -> Installed? {
        current.withLock { $0[name] }
    }

    /// A new engine on the current version of `name` (nil when not installed).
    public func startCall(script name: String, seed: String) -> DialogueEngine? {
        script(named: name).map { DialogueEngine(shared: $0.shared, seed: seed) }
    }

    public var names: [String] { current.withLock { $0.keys.sorted() } }
}
