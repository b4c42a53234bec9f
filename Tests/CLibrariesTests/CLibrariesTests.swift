// Each system-library binding links and answers: a broken pkg-config file, module map or
// shim header shows up here first, before the modules built on it.
import Foundation
import Testing
import COpus
import CSndFile
import CPocketSphinx
import CYAML
import CSQLite
import CSpeexDSP
import CParleyAPM

@Test func opusReportsItsVersionAndCreatesAnEncoder() {
    #expect(String(cString: opus_get_version_string()).hasPrefix("libopus"))
    var error: Int32 = 0
    let encoder = opus_encoder_create(16_000, 1, OPUS_APPLICATION_VOIP, &error)
    #expect(error == OPUS_OK)
    #expect(encoder != nil)
    #expect(parley_opus_set_bitrate(encoder, 24_000) == OPUS_OK)
    opus_encoder_destroy(encoder)
}

@Test func sndfileReportsItsVersion() {
    var buffer = [CChar](repeating: 0, count: 128)
    _ = sf_command(nil, Int32(SFC_GET_LIB_VERSION), &buffer, Int32(buffer.count))
    let version = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    #expect(version.hasPrefix("libsndfile"))
}

@Test func yamlParsesAScalarWithItsMark() {
    var parser = yaml_parser_t()
    #expect(yaml_parser_initialize(&parser) == 1)
    defer { yaml_parser_delete(&parser) }
    let text = Array("key: value\n".utf8)
    text.withUnsafeBufferPointer { yaml_parser_set_input_string(&parser, $0.baseAddress, $0.count) }
    var sawScalar = false
    var event = yaml_event_t()
    while yaml_parser_parse(&parser, &event) == 1 {
        defer { yaml_event_delete(&event) }
        if event.type == YAML_SCALAR_EVENT, event.start_mark.column == 5 { sawScalar = true }
        if event.type == YAML_STREAM_END_EVENT { break }
    }
    #expect(sawScalar)
}

@Test func sqliteOpensARealFileInWALMode() throws {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("parley-clib-\(UUID().uuidString).sqlite").path
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    var db: OpaquePointer?
    #expect(sqlite3_open(path, &db) == SQLITE_OK)
    defer { sqlite3_close(db) }
    var statement: OpaquePointer?
    #expect(sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &statement, nil) == SQLITE_OK)
    #expect(sqlite3_step(statement) == SQLITE_ROW)
    #expect(String(cString: sqlite3_column_text(statement, 0)) == "wal")
    sqlite3_finalize(statement)
}

@Test func speexResamplerInitialises() {
    var error: Int32 = 0
    let resampler = speex_resampler_init(1, 8_000, 16_000, 5, &error)
    #expect(error == 0)
    #expect(resampler != nil)
    speex_resampler_destroy(resampler)
}

@Test func pocketsphinxAcceptsTheEnglishModelConfiguration() {
    let modelDir = "/usr/share/pocketsphinx/model/en-us"
    let args = ["-hmm", "\(modelDir)/en-us", "-dict", "\(modelDir)/cmudict-en-us.dict", "-logfn", "/dev/null"]
    var cStrings = args.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    let config = parley_ps_config(Int32(cStrings.count), &cStrings)
    #expect(config != nil)
    if let config { _ = cmd_ln_free_r(config) }
}

@Test func webrtcAPMShimCreatesAndProcessesAFrame() {
    var config = parley_apm_config(sample_rate_hz: 8_000, echo: PARLEY_APM_ECHO_AEC,
                                   noise_suppression: true, gain_control: false,
                                   voice_detection: true, delay_agnostic: false, extended_filter: false)
    let apm = parley_apm_create(&config)
    #expect(apm != nil)
    defer { parley_apm_destroy(apm) }
    var far = [Int16](repeating: 0, count: 80)
    var near = [Int16](repeating: 0, count: 80)
    for i in 0..<80 { far[i] = Int16(8_000 * sin(Double(i) * 0.3)) }
    #expect(parley_apm_process_reverse(apm, &far, 80) == 0)
    #expect(parley_apm_process_capture(apm, &near, 80, 40) == 0)
    #expect(parley_apm_process_capture(apm, &near, 79, 40) != 0)  // wrong frame length is refused
}
