import Foundation

/// Normalises and validates slot values: DTMF or spoken digits (English words, Chinese
/// numerals), numbers, dates (`YYYY-MM-DD` or `YYYYMMDD`).
public enum DialogueSlotValidator {
    static let digitWords: [String: Character] = [
        "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
        "six": "6", "seven": "7", "eight": "8", "nine": "9",
    ]
    static let chineseDigits: [Character: Character] = [
        "零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5",
        "六": "6", "七": "7", "八": "8", "九": "9",
    ]

    /// The digits spoken or typed in `text` ("one two 3 四" → "1234"), nil when there are none.
    public static func digits(in text: String) -> String? {
        var out = ""
        for word in text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == "." }) {
            if let d = digitWords[String(word)] { out.append(d); continue }
            for ch in word {
                if ch.isASCII && ch.isNumber { out.append(ch) } else if let d = chineseDigits[ch] { out.append(d) }
            }
        }
        return out.isEmpty ? nil : out
    }

    /// The normalised value, or nil when it does not satisfy the slot.
    public static func validate(_ raw: String, _ slot: DialogueSlot) -> String? {
        let trimmed = raw.hasSuffix("#") ? String(raw.dropLast()) : raw
        guard let digits = digits(in: trimmed) else { return nil }
        let value: String
        switch slot.kind {
        case .digits, .number:
            guard (slot.minLength...max(slot.minLength, slot.maxLength)).contains(digits.count) else { return nil }
            value = slot.kind == .number ? String(Int(digits) ?? 0) : digits
        case .date:
            let groups = trimmed.split(whereSeparator: { !($0.isASCII && $0.isNumber) })
            if groups.count == 3, groups[0].count == 4, let m = Int(groups[1]), let d = Int(groups[2]), m < 100, d < 100 {
                return validate(String(groups[0]) + (m < 10 ? "0" : "") + String(m) + (d < 10 ? "0" : "") + String(d), slot)
            }
            guard digits.count == 8, let y = Int(digits.prefix(4)), let m = Int(digits.dropFirst(4).prefix(2)),
                  let d = Int(digits.suffix(2)), (1900...2200).contains(y), (1...12).contains(m) else { return nil }
            let daysInMonth = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            guard (1...daysInMonth[m - 1]).contains(d) else { return nil }
            value = String(format: "%04d-%02d-%02d", y, m, d)
        }
        if let pattern = slot.pattern {
            guard let re = try? NSRegularExpression(pattern: "^(?:" + pattern + ")$"),
                  re.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil else { return nil }
        }
        return value
    }
}
