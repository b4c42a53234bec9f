// swift-tools-version:6.0
// Parley — realtime voice-bot dialogue runtime.
// No SwiftPM package dependencies: the toolchain plus Debian C libraries bound as
// system-library targets (see DESIGN.md, "Dependency rule"). Layers, bottom up:
//   L0 C modules · L1 ParleyRealtime, ParleyYAML · L2 protocol/audio/speech/dialogue/store
//   · L3 ParleyMedia · L4 ParleyCall, ParleyCampaign · L5 ParleyAdmin · L6 executables.
// Imports point down only; a target never imports one on its own level.
import PackageDescription

// MARK: L0 — C libraries from Debian (system-library targets) and small C shims.

let systemLibraries: [Target] = [
    .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
    .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
    .systemLibrary(name: "CPocketSphinx", pkgConfig: "pocketsphinx",
                   providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]),
    .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
    .systemLibrary(name: "CWebRTCAPM", pkgConfig: "webrtc-audio-processing",
                   providers: [.apt(["libwebrtc-audio-processing-dev"])]),
    .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
    // TLS client (ParleyRealtime) for wss:// speech servers and https:// webhooks.
    .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
]

let cShims: [Target] = [
    // Linux facilities the realtime core needs: epoll, timerfd, absolute sleeps,
    // recvmmsg/sendmmsg, thread naming/affinity/priority.
    .target(name: "CParleyLinux"),
    // C ABI over webrtc-audio-processing (C++). Keeps C++ interop out of Swift modules.
    .target(
        name: "CParleyAPM",
        dependencies: ["CWebRTCAPM"],
        cxxSettings: [
            .define("WEBRTC_POSIX"),
            .define("WEBRTC_AUDIO_PROCESSING_ONLY_BUILD"),
        ]
    ),
    // Counting malloc interposer, linked only into binaries that measure allocations.
    .target(name: "CParleyAllocCounter"),
]

// MARK: L1

let level1: [Target] = [
    .target(name: "ParleyRealtime", dependencies: ["CParleyLinux", "COpenSSL"]),
    .target(name: "ParleyYAML", dependencies: ["CYAML"]),
]

// MARK: L2 — protocol cores, audio, speech, dialogue, store (pure logic where possible)

let level2: [Target] = [
    .target(name: "ParleyCodecs", dependencies: ["ParleyRealtime", "COpus", "CSndFile", "CSpeexDSP"]),
    .target(name: "ParleyRTP", dependencies: ["ParleyRealtime"]),
    .target(name: "ParleySDP"),
    .target(name: "ParleySIP", dependencies: ["ParleyRealtime"]),
    .target(name: "ParleyAudio", dependencies: ["ParleyRealtime", "CParleyAPM"]),
    .target(name: "ParleySpeech", dependencies: ["ParleyRealtime", "CPocketSphinx"]),
    .target(name: "ParleyDialogue", dependencies: ["ParleyYAML"]),
    .target(name: "ParleyStore", dependencies: ["ParleyRealtime", "CSQLite"]),
]

// MARK: L3 — media threads; the simulator library (an independent SIP/RTP client)

let level3: [Target] = [
    .target(name: "ParleyMedia",
            dependencies: ["ParleyRealtime", "ParleyCodecs", "ParleyRTP", "ParleyAudio"]),
    .target(name: "ParleySim",
            dependencies: ["ParleyRealtime", "ParleyYAML", "ParleyCodecs", "ParleyRTP", "ParleySDP",
                           "ParleySIP", "ParleyAudio"],
            // Optimised in debug builds too: the simulator hears the bot by searching every
            // prompt recording every 20 ms, 9 s of CPU per demo call unoptimised, 1 s optimised;
            // the end-to-end tests run it against parleyd several calls at a time.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
]

// MARK: L4 — call sessions; the outbound dialer beside them

let level4: [Target] = [
    .target(name: "ParleyCall",
            dependencies: ["ParleyMedia", "ParleyRealtime", "ParleyYAML", "ParleyCodecs", "ParleyRTP",
                           "ParleySDP", "ParleySIP", "ParleyAudio", "ParleySpeech", "ParleyDialogue",
                           "ParleyStore"]),
    .target(name: "ParleyCampaign",
            dependencies: ["ParleyRealtime", "ParleyYAML", "ParleySIP", "ParleyAudio", "ParleyStore"]),
]

// MARK: L5 — admin HTTP API and metrics

let level5: [Target] = [
    .target(name: "ParleyAdmin", dependencies: ["ParleyCall", "ParleyCampaign", "ParleyStore", "CMicroHTTPD"]),
]

// MARK: L6 — executables

let executables: [Target] = [
    .executableTarget(
        name: "parleyd",
        dependencies: ["ParleyAdmin", "ParleyCall", "ParleyCampaign", "ParleyStore", "ParleyRealtime"]
    ),
    .executableTarget(
        name: "parley",
        dependencies: [
            "ParleyRealtime", "ParleyCodecs", "ParleyRTP", "ParleySDP", "ParleySIP",
            "ParleyAudio", "ParleySpeech", "ParleyDialogue", "ParleyYAML", "ParleyStore",
            "ParleySim", "ParleyCampaign", "ParleyCall", "ParleyMedia", "CParleyAllocCounter", "ParleyAdmin",
        ]
    ),
    // Test support: a stand-in UAS for the network-namespace torture harness (Scripts/netns/).
    .executableTarget(name: "parley-sip-standin", dependencies: ["ParleySIP", "ParleyRealtime"],
                      path: "Tests/SIPStandInUAS"),
]

// MARK: Tests — one target per module, Swift Testing

let tests: [Target] = [
    .testTarget(name: "CLibrariesTests",
                dependencies: ["COpus", "CSndFile", "CPocketSphinx", "CYAML", "CSQLite", "CSpeexDSP", "CParleyAPM"]),
    .testTarget(name: "ParleyRealtimeTests", dependencies: ["ParleyRealtime"]),
    .testTarget(name: "ParleyYAMLTests", dependencies: ["ParleyYAML"], exclude: ["Fixtures"]),
    .testTarget(name: "ParleyCodecsTests", dependencies: ["ParleyCodecs"]),
    .testTarget(name: "ParleyRTPTests", dependencies: ["ParleyRTP"]),
    .testTarget(name: "ParleySDPTests", dependencies: ["ParleySDP"]),
    .testTarget(name: "ParleySIPTests", dependencies: ["ParleySIP"], exclude: ["Fixtures"]),
    .testTarget(name: "ParleyAudioTests", dependencies: ["ParleyAudio", "ParleyCodecs"]),
    .testTarget(name: "ParleySpeechTests", dependencies: ["ParleySpeech", "ParleyCodecs"], exclude: ["Fixtures"]),
    .testTarget(name: "ParleyDialogueTests", dependencies: ["ParleyDialogue"], exclude: ["Fixtures"]),
    .testTarget(name: "ParleyStoreTests", dependencies: ["ParleyStore", "ParleyRealtime"], exclude: ["Repro"]),
    .testTarget(name: "ParleyCampaignTests", dependencies: ["ParleyCampaign"], exclude: ["Fixtures"]),
    .testTarget(name: "ParleyCallTests", dependencies: ["ParleyCall", "ParleyRealtime", "ParleyStore", "ParleySIP"],
                exclude: ["Fixtures"]),
    .testTarget(name: "ClusterTests", dependencies: []),
    .testTarget(name: "ParleyMediaTests", dependencies: ["ParleyMedia", "ParleyRTP", "ParleyCodecs", "ParleyRealtime", "ParleyAudio"]),
    .testTarget(name: "ParleySIPStackTests", dependencies: ["ParleySIP", "ParleySDP", "ParleyRealtime"], exclude: ["Scenarios"]),
    .testTarget(name: "ParleyAdminTests", dependencies: ["ParleyAdmin"]),
    .testTarget(name: "ParleySimTests", dependencies: ["ParleySim"], exclude: ["Fixtures"]),
    // parleyd end to end (SIPp, a test HTTP server, sqlite3): runs the built executable.
    .testTarget(name: "ParleydTests", dependencies: ["parleyd"], exclude: ["Scenarios"]),
]

let package = Package(
    name: "Parley",
    products: [
        .executable(name: "parleyd", targets: ["parleyd"]),
        .executable(name: "parley", targets: ["parley"]),
    ],
    targets: systemLibraries + cShims + level1 + level2 + level3 + level4 + level5 + executables + tests,
    swiftLanguageModes: [.v6]
)
