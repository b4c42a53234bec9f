import Foundation
import Testing
@testable import ParleyCampaign

struct ContactCSVParserTests {
    @Test func parsesHeaderVariablesQuotingBOMAndCRLF() throws {
        let csv = "\u{FEFF}number,first_name,coupon,timezone\r\n" +
            "+1 (415) 555-0100,\"Smith, Ann\",SAVE10,America/Los_Angeles\r\n" +
            "+442079460000,\"Bob \"\"B\"\"\",\"multi\r\nline\",\r\n"
        let list = try ContactCSVParser.parse(csv)
        #expect(list.variableNames == ["first_name", "coupon"])
        #expect(list.contacts.count == 2)
        #expect(list.contacts[0].number == "+14155550100")
        #expect(list.contacts[0].variables == ["first_name": "Smith, Ann", "coupon": "SAVE10"])
        #expect(list.contacts[0].timeZoneIdentifier == "America/Los_Angeles")
        #expect(list.contacts[0].line == 2)
        #expect(list.contacts[1].variables["first_name"] == "Bob \"B\"")
        #expect(list.contacts[1].variables["coupon"] == "multi\r\nline")
        #expect(list.contacts[1].timeZoneIdentifier == nil)
        #expect(list.contacts[1].line == 3)
    }

    @Test func lfOnlyNoTrailingNewlineAndBlankLines() throws {
        let list = try ContactCSVParser.parse("number,name\n+14155550100,A\n\n+14155550101,B")
        #expect(list.contacts.map(\.number) == ["+14155550100", "+14155550101"])
        #expect(list.contacts.map(\.line) == [2, 4])
    }

    @Test func lineNumbersCountLinesInsideQuotedFields() throws {
        let csv = "number,note\n+14155550100,\"a\nb\nc\"\nnot-a-number,x\n"
        #expect(throws: CampaignError(.invalidNumber, line: 5, "the number is not E.164 (+ and 8 to 15 digits)")) {
            try ContactCSVParser.parse(csv)
        }
    }

    static let malformed: [(String, CampaignError.Code, Int)] = [
        ("", .missingHeader, 1),
        ("name,number\n", .missingHeader, 1),
        ("number,a,a\n", .duplicateColumn, 1),
        ("number,,b\n", .missingHeader, 1),
        ("number,a\n+14155550100\n", .wrongFieldCount, 2),
        ("number,a\n+14155550100,x,y\n", .wrongFieldCount, 2),
        ("number,a\n14155550100,x\n", .invalidNumber, 2),
        ("number,a\n+0155550100,x\n", .invalidNumber, 2),
        ("number,a\n+1234567,x\n", .invalidNumber, 2),
        ("number,a\n+1234567890123456,x\n", .invalidNumber, 2),
        ("number,a\n+1415555010x,x\n", .invalidNumber, 2),
        ("number,a\n+14155550100,\"open\n", .malformedCSV, 2),
        ("number,a\n+14155550100,ab\"c\n", .malformedCSV, 2),
        ("number,a\n+14155550100,\"ab\"c\n", .malformedCSV, 2),
        ("number,a\r+14155550100,x\n", .malformedCSV, 1),
        ("number,a\n+14155550100,x\n+1 415 555 0100,y\n", .duplicateContact, 3),
        ("number,timezone\n+14155550100,Mars/Olympus\n", .invalidTimeZone, 2),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedInputIsRejectedWithItsLine(_ index: Int) {
        let (text, code, line) = Self.malformed[index]
        do {
            _ = try ContactCSVParser.parse(text)
            Issue.record("accepted malformed input #\(index)")
        } catch {
            #expect(error.code == code, "case \(index): \(error)")
            #expect(error.line == line, "case \(index): \(error)")
        }
    }

    @Test func rejectsNonUTF8() {
        #expect(throws: CampaignError.self) { try ContactCSVParser.parse(Data([0x6E, 0xFF, 0xFE, 0x0A])) }
    }

    /// Seeded mutation run (the libFuzzer driver is described in docs/campaigns.md): any
    /// byte string either parses or throws a CampaignError; accepted numbers are E.164.
    @Test func mutatedInputNeverCrashes() {
        var rng = SplitMix(seed: 42)
        let seed = Array("number,name,timezone\r\n+14155550100,\"A, \"\"x\"\"\",Europe/Berlin\n+4930123456,B,\n".utf8)
        let alphabet = Array("\",\r\n+0123456789 abc\u{FEFF}".utf8)
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = seed
            for _ in 0..<Int(rng.next() % 6 + 1) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: i); if bytes.isEmpty { bytes = [0x2C] }
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                }
            }
            if let list = try? ContactCSVParser.parse(Data(bytes)) {
                accepted += 1
                for c in list.contacts { #expect(PhoneNumber.normalizedE164(c.number) == c.number) }
            }
        }
        #expect(accepted > 0 && accepted < 3000)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
