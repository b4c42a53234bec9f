import Foundation
import Testing
@testable import ParleyYAML

@Suite struct YAMLLoaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    @Test func goldenDocumentLoadsWithMarks() throws {
        let path = Self.fixtures + "/golden.yaml"
        let root = try YAMLLoader.load(path: path)
        #expect(root.mark == YAMLMark(path: path, line: 2, column: 1))
        #expect(try root["name"]?.string() == "golden")
        #expect(try root["count"]?.int() == 42)
        #expect(try root["ratio"]?.double() == 0.5)
        #expect(try root["enabled"]?.bool() == true)
        #expect(try root["answer"]?.string() == "yes")  // YAML 1.2: yes is a string
        #expect(root["empty"]?.isNull == true)
        #expect(throws: YAMLError.self) { try root["quoted"]?.int() }  // quoted: a string
        let list = try #require(try root["list"]?.sequence())
        #expect(list.count == 2)
        #expect(list[1].mark.line == 11 && list[1].mark.column == 5)
        #expect(try list[1]["two"]?.int() == 2)
        let copy = try #require(root["copy"])
        #expect(try copy["timeout_ms"]?.int() == 5000)
        #expect(copy.mark.line == 12)  // an alias copies the anchored node and its marks (at the anchor)
        #expect(try root["greeting"]?.string() == "您好，世界")
        // Columns count characters, not bytes.
        let pairs = try root.mapping()
        let after = try #require(pairs.first(where: { $0.name == "after" }))
        #expect(after.value.mark == YAMLMark(path: path, line: 16, column: 8))
        #expect(try root["block"]?.string() == "line one\nline two\n")
        #expect(pairs.map(\.name).prefix(3) == ["name", "count", "ratio"])  // source order
    }

    @Test func syntaxErrorsArePositioned() {
        let path = Self.fixtures + "/malformed-flow.yaml"
        #expect(throws: YAMLError(.syntax, "did not find expected ',' or ']' while parsing a flow sequence",
                                  at: YAMLMark(path: path, line: 3, column: 2))) {
            try YAMLLoader.load(path: path)
        }
    }

    @Test func duplicateKeysAreErrors() {
        let path = Self.fixtures + "/duplicate-key.yaml"
        do {
            _ = try YAMLLoader.load(path: path)
            Issue.record("duplicate key accepted")
        } catch {
            #expect(error.description == "\(path):4:3: duplicate key 'x' (first defined at line 3, column 3)")
            #expect(error.code == .duplicateKey)
        }
    }

    @Test(arguments: [
        ("a: *nope\n", YAMLError.Code.undefinedAlias, 1, 4),
        ("? [a, b]\n: 1\n", .nonScalarKey, 1, 3),
        ("a: 1\n---\nb: 2\n", .multipleDocuments, 2, 1),
        ("a: 'unterminated\n", .syntax, 2, 1),
        ("a: b: c\n", .syntax, 1, 5),
        ("\t- tab\n", .syntax, 1, 1),
    ])
    func malformedInputs(_ text: String, _ code: YAMLError.Code, _ line: Int, _ column: Int) {
        do {
            _ = try YAMLLoader.parse(text, path: "m.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.code == code)
            #expect(error.mark == YAMLMark(path: "m.yaml", line: line, column: column), "\(error)")
        }
    }

    @Test func deepNestingIsRejected() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: YAMLError.self) { try YAMLLoader.parse(text) }
        do { _ = try YAMLLoader.parse(text) } catch { #expect(error.code == .nestingTooDeep) }
    }

    @Test func aliasBombsAreRejected() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        do {
            _ = try YAMLLoader.parse(text, path: "bomb.yaml")
            Issue.record("alias bomb accepted")
        } catch {
            #expect(error.code == .aliasExpansionTooLarge)
        }
    }

    @Test func emptyInputIsNull() throws {
        #expect(try YAMLLoader.parse("").isNull)
        #expect(try YAMLLoader.parse("# only a comment\n").isNull)
    }

    @Test func unreadableFile() {
        do { _ = try YAMLLoader.load(path: "/nonexistent/x.yaml") } catch {
            #expect(error.description == "/nonexistent/x.yaml:1:1: cannot read file")
        }
    }

    @Test func invalidUTF8IsASyntaxError() {
        #expect(throws: YAMLError.self) { try YAMLLoader.parse(bytes: [0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A], path: "b.yaml") }
    }
}

@Suite struct YAMLAccessTests {
    @Test func typeMismatchesSayWhatWasExpected() throws {
        let root = try YAMLLoader.parse("n: [1]\ns: hello\nm: {}\n", path: "t.yaml")
        #expect(throws: YAMLError(.typeMismatch, "expected a mapping, found a sequence", at: YAMLMark(path: "t.yaml", line: 1, column: 4))) {
            try root["n"]?.mapping()
        }
        #expect(throws: YAMLError(.typeMismatch, "expected an integer, found 'hello'", at: YAMLMark(path: "t.yaml", line: 2, column: 4))) {
            try root["s"]?.int()
        }
        #expect(throws: YAMLError(.typeMismatch, "expected a string, found a mapping", at: YAMLMark(path: "t.yaml", line: 3, column: 4))) {
            try root["m"]?.string()
        }
        #expect(try root["s"]?.stringList() == ["hello"])
    }

    @Test func mappingReaderReportsUnknownAndMissingKeys() throws {
        let node = try YAMLLoader.parse("nmae: x\ncolour: red\n", path: "r.yaml")
        let reader = try YAMLMappingReader(node, allowedKeys: ["name", "color", "size"], context: "the thing")
        #expect(reader.unknownKeyErrors.map(\.description) == [
            "r.yaml:1:1: unknown key 'nmae' in the thing; did you mean 'name'?",
            "r.yaml:2:1: unknown key 'colour' in the thing; did you mean 'color'?",
        ])
        #expect(throws: YAMLError(.missingKey, "missing key 'size' in the thing", at: YAMLMark(path: "r.yaml", line: 1, column: 1))) {
            try reader.require("size", context: "the thing")
        }
    }

    @Test func suggestionsNeedACloseMatch() {
        #expect(YAMLMappingReader.suggestion(for: "plya", among: ["play", "next"]) == "play")
        #expect(YAMLMappingReader.suggestion(for: "zzzz", among: ["play", "next"]) == nil)
        #expect(YAMLMappingReader.editDistance("kitten", "sitting") == 3)
        #expect(YAMLMappingReader.editDistance("ab", "ba") == 1)
        #expect(YAMLMappingReader.editDistance("", "abc") == 3)
    }
}

@Suite struct YAMLLargeMappingTests {
    @Test func duplicateKeysAreFoundInLargeMappings() {
        var text = (0..<40).map { "k\($0): \($0)\n" }.joined()
        text += "k3: again\n"
        do {
            _ = try YAMLLoader.parse(text, path: "big.yaml")
            Issue.record("duplicate accepted")
        } catch {
            #expect(error.description == "big.yaml:41:1: duplicate key 'k3' (first defined at line 4, column 1)")
        }
        let unique = (0..<40).map { "k\($0): \($0)\n" }.joined()
        #expect((try? YAMLLoader.parse(unique).mapping().count) == 40)
    }
}
