import Testing
@testable import ParleySIP

/// Inputs the fuzzer found that once trapped the byte-level fast paths.
@Suite struct QuickCheckRegressionTests {
    /// A URI port of 33 digits overflowed the port accumulator in `SIPURI.quickCheck` and
    /// `SIPQuickCheck.nameAddress` (a trap on a hostile message). Fixture: the fuzzer's input.
    @Test func longPortDigitRunsAreRejectedWithoutTrapping() throws {
        let bytes = try Fixtures.bytes("regressions/long-port-digits.dat")
        _ = SIPParser().parse(bytes, framing: .datagram)   // must return, whatever the outcome
        let uri = Array("sip:user@example.com:111111111111111111111111111111111".utf8)
        #expect(!SIPURI.quickCheck(uri[...]))
        #expect((try? SIPURI(parsing: String(decoding: uri, as: UTF8.self))) == nil)
        #expect(!SIPQuickCheck.nameAddress(Array("<sip:a@b:99999999999999999999>".utf8)[...]))
        #expect(SIPURI.quickCheck(Array("sip:user@example.com:5060".utf8)[...]))
        #expect(!SIPURI.quickCheck(Array("sip:user@example.com:65536".utf8)[...]))
    }
}
