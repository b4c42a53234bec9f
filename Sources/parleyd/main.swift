// parleyd — the Parley voice-bot daemon: run, check or print the configuration.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ParleyCall

let version = "parleyd 0.1.0"

let usage = """
    usage: parleyd [--config FILE] [--sip-listen HOST:PORT] [--admin-listen HOST:PORT] [--data-dir DIR]
           parleyd --check-config FILE [--sip-listen HOST:PORT] [--admin-listen HOST:PORT] [--data-dir DIR]
           parleyd --print-defaults
           parleyd --help | --version

      --config FILE           run with this configuration (see docs/config.md); without it,
                              the embedded defaults (the demo on 127.0.0.1:5060)
      --check-config FILE     check FILE: prints "ok" and a summary (exit 0) or every problem (exit 1)
      --print-defaults        print the full default configuration as commented YAML
      --sip-listen HOST:PORT  listen for SIP (UDP and TCP) here instead of sip.listen
      --admin-listen HOST:PORT  serve the admin API here instead of admin.listen
      --data-dir DIR          keep the store and outbox here instead of data_dir

    exit status: 0 ok (after a drain), 1 configuration or start-up errors, 2 usage errors
    """

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

enum Mode { case run(String?), check(String), printDefaults, help, version }

/// The parsed command line.
struct CommandLineOptions {
    var mode: Mode?
    var overrides = ConfigurationOverrides()
    private var arguments: ArraySlice<String>

    init(_ arguments: ArraySlice<String>) {
        self.arguments = arguments
        while let argument = self.arguments.popFirst() {
            switch argument {
            case "--config": setMode(.run(value(for: argument)))
            case "--check-config": setMode(.check(value(for: argument)))
            case "--print-defaults": setMode(.printDefaults)
            case "--help", "-h": setMode(.help)
            case "--version": setMode(.version)
            case "--sip-listen": overrides.sipListen = value(for: argument)
            case "--admin-listen": overrides.adminListen = value(for: argument)
            case "--data-dir": overrides.dataDirectory = value(for: argument)
            default: fail("parleyd: unknown argument '\(argument)'\n\(usage)", status: 2)
            }
        }
    }

    private mutating func value(for option: String) -> String {
        guard let v = arguments.popFirst(), !v.hasPrefix("--") else {
            fail("parleyd: \(option) needs a value\n\(usage)", status: 2)
        }
        return v
    }

    private mutating func setMode(_ new: Mode) {
        if mode != nil {
            fail("parleyd: give only one of --config, --check-config, --print-defaults, --help, --version", status: 2)
        }
        mode = new
    }
}

let options = CommandLineOptions(CommandLine.arguments.dropFirst())
let overrides = options.overrides

func loadConfiguration(_ path: String?) throws(ConfigurationError) -> DaemonConfiguration {
    guard let path else { return try ConfigurationLoader().embeddedDefaults(overrides: overrides) }
    return try ConfigurationLoader().load(path: path, overrides: overrides)
}

switch options.mode ?? .run(nil) {
case .help:
    print(usage)
case .version:
    print(version)
case .printDefaults:
    print(DaemonConfiguration().yamlText, terminator: "")
case .check(let path):
    do {
        let config = try loadConfiguration(path)
        print("ok")
        print(config.summary)
    } catch {
        fail(error.description, status: 1)
    }
case .run(let path):
    do {
        let config = try loadConfiguration(path)
        Task { await DaemonRunner.start(config, version: version) }
        dispatchMain()
    } catch {
        fail(error.description, status: 1)
    }
}
