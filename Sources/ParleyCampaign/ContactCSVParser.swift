import Foundation

/// Parses a contact list in CSV (RFC 4180): a header row naming the columns — `number`
/// first, then variable names — and one contact per row. Quoted fields may hold commas,
/// doubled quotes and line breaks. A UTF-8 byte order mark and CRLF or LF line ends are
/// accepted. A column named `timezone` gives the contact's IANA time zone.
/// Every error names the (1-based) line where it was found.
public enum ContactCSVParser {
    public static let timeZoneColumn = "timezone"

    public static func parse(_ data: Data) throws(CampaignError) -> ContactList {
        guard let text = String(data: data, encoding: .utf8) else {
            throw CampaignError(.malformedCSV, line: 1, "the file is not UTF-8")
        }
        return try parse(text)
    }

    public static func parse(_ text: String) throws(CampaignError) -> ContactList {
        let records = try records(of: text)
        guard let header = records.first, !(header.fields.count == 1 && header.fields[0].isEmpty) else {
            throw CampaignError(.missingHeader, line: 1, "no header row")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard names[0].lowercased() == "number" else {
            throw CampaignError(.missingHeader, line: header.line, "the first column must be 'number'")
        }
        var seen = Set<String>()
        for name in names {
            if name.isEmpty { throw CampaignError(.missingHeader, line: header.line, "an empty column name") }
            if !seen.insert(name.lowercased()).inserted {
                throw CampaignError(.duplicateColumn, line: header.line, "column '\(name)' appears twice")
            }
        }
        let timeZoneIndex = names.firstIndex { $0.lowercased() == timeZoneColumn }
        var contacts: [Contact] = []
        var numbers: [String: Int] = [:]
        for record in records.dropFirst() {
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }   // blank line
            guard record.fields.count == names.count else {
                throw CampaignError(.wrongFieldCount, line: record.line,
                                    "\(record.fields.count) fields, the header has \(names.count)")
            }
            guard let number = PhoneNumber.normalizedE164(record.fields[0].trimmingCharacters(in: .whitespaces)) else {
                throw CampaignError(.invalidNumber, line: record.line, "the number is not E.164 (+ and 8 to 15 digits)")
            }
            if let first = numbers[number] {
                throw CampaignError(.duplicateContact, line: record.line, "the number is already on line \(first)")
            }
            numbers[number] = record.line
            var variables: [String: String] = [:]
            for index in 1..<names.count where index != timeZoneIndex {
                variables[names[index]] = record.fields[index]
            }
            var zone: String?
            if let timeZoneIndex {
                let value = record.fields[timeZoneIndex].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty {
                    guard TimeZone(identifier: value) != nil else {
                        throw CampaignError(.invalidTimeZone, line: record.line, "unknown time zone '\(value)'")
                    }
                    zone = value
                }
            }
            contacts.append(Contact(number: number, variables: variables, timeZoneIdentifier: zone, line: record.line))
        }
        let variableNames = names.indices.filter { $0 != 0 && $0 != timeZoneIndex }.map { names[$0] }
        return ContactList(variableNames: variableNames, contacts: contacts)
    }

    struct Record { var line: Int; var fields: [String] }

    /// Splits RFC 4180 records. Works on Unicode scalars so CRLF is two characters.
    static func records(of text: String) throws(CampaignError) -> [Record] {
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var fieldWasQuoted = false
        var afterClosingQuote = false
        var index = scalars.startIndex
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            fieldWasQuoted = false
            afterClosingQuote = false
        }
        while index < scalars.endIndex {
            let c = scalars[index]
            index = scalars.index(after: index)
            if inQuotes {
                if c == "\"" {
                    if index < scalars.endIndex && scalars[index] == "\"" {
                        field.append("\"")
                        index = scalars.index(after: index)
                    } else {
                        inQuotes = false
                        afterClosingQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case ",":
                endField()
            case "\r", "\n":
                if c == "\r" {
                    guard index < scalars.endIndex, scalars[index] == "\n" else {
                        throw CampaignError(.malformedCSV, line: line, "a bare carriage return")
                    }
                    index = scalars.index(after: index)
                }
                endField()
                records.append(Record(line: recordLine, fields: fields))
                fields = []
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw CampaignError(.malformedCSV, line: line, "a quote inside an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
            default:
                if afterClosingQuote {
                    throw CampaignError(.malformedCSV, line: line, "text after a closing quote")
                }
                field.append(c)
            }
        }
        if inQuotes { throw CampaignError(.malformedCSV, line: recordLine, "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted {
            endField()
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
