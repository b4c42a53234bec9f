import Foundation
import ParleyYAML

/// The do-not-call list: numbers written in the campaign, a file of numbers, or both.
extension CampaignYAMLReader {
    /// The numbers in canonical E.164 form, in order, and the resolved file path if any;
    /// nil when something is wrong (reported).
    mutating func doNotCall(_ node: YAMLNode?) -> (numbers: [String], file: String?)? {
        guard let node else { return ([], nil) }
        var numbers: [String] = []
        var valid = true
        var file: String?
        var entryNodes: [YAMLNode] = []
        switch node.content {
        case .sequence(let items):
            entryNodes = items
        case .mapping:
            guard let reader = section(node, keys: Self.doNotCallKeys, context: "campaign.do_not_call") else { return nil }
            if !reader.unknownKeyErrors.isEmpty { valid = false }
            if let list = value(reader, "numbers") {
                if let items = sequence(list, key: "campaign.do_not_call.numbers") { entryNodes = items } else { valid = false }
            }
            if let fileNode = value(reader, "file") {
                if let path = string(fileNode, key: "campaign.do_not_call.file") {
                    file = resolve(path)
                    if let fromFile = doNotCallFile(file!, node: fileNode) { numbers += fromFile } else { valid = false }
                } else {
                    valid = false
                }
            }
        case .scalar:
            report(.typeMismatch,
                   "campaign.do_not_call: expected a list of numbers or a mapping with 'numbers' and/or 'file', found \(node.mismatchFound)",
                   at: node.mark)
            return nil
        }
        var listed: [String] = []
        for (i, item) in entryNodes.enumerated() {
            guard let text = string(item, key: "campaign.do_not_call[\(i + 1)]") else { valid = false; continue }
            let number = check(at: item.mark) { () throws(CampaignError) in
                try CampaignDefinition.validateDoNotCallEntry(text, index: i)
            }
            if let number { listed.append(number) } else { valid = false }
        }
        return valid ? (listed + numbers, file) : nil
    }

    /// One number per line; `#` starts a comment; blank lines and a first line reading
    /// `number` (a one-column CSV header) are skipped. Problems are reported in that file.
    private mutating func doNotCallFile(_ path: String, node: YAMLNode) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path) else {
            report(.unreadableFile, "cannot read do-not-call file '\(path)'", at: node.mark)
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            report(CampaignError(.malformedCSV, "the file is not UTF-8"), at: YAMLMark(path: path, line: 1, column: 1))
            return nil
        }
        var numbers: [String] = []
        var valid = true
        var sawEntry = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine
            if index == 0, line.first == "\u{FEFF}" { line = line.dropFirst() }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let leading = line.prefix(while: { $0 == " " || $0 == "\t" })
            let entry = line.dropFirst(leading.count).trimmingCharacters(in: .whitespacesAndNewlines)
            if entry.isEmpty { continue }
            defer { sawEntry = true }
            if !sawEntry, entry.lowercased() == "number" { continue }
            guard let number = PhoneNumber.normalizedE164(entry) else {
                let mark = YAMLMark(path: path, line: index + 1, column: leading.unicodeScalars.count + 1)
                report(CampaignError(.invalidNumber, "do-not-call number is not E.164 (+ and 8 to 15 digits)"), at: mark)
                valid = false
                continue
            }
            numbers.append(number)
        }
        return valid ? numbers : nil
    }
}

extension YAMLNode {
    /// What a node is, for "found …" in messages.
    var mismatchFound: String {
        if case .scalar(let s) = content, !isNull { return "'\(s.value.prefix(40))'" }
        return kindName
    }
}
