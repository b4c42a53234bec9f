/// E.164 numbers (ITU-T E.164: "+", country code, at most 15 digits in all).
public enum PhoneNumber {
    /// Returns the number in canonical E.164 form (`+` and digits only) or `nil`.
    /// Spaces, dashes, dots and parentheses between digits are accepted and removed;
    /// the leading `+` is required, the first digit may not be 0, 8 to 15 digits in all.
    public static func normalizedE164(_ text: Substring) -> String? {
        var digits = "+"
        var sawPlus = false
        for ch in text {
            switch ch {
            case "+":
                if sawPlus || digits.count > 1 { return nil }
                sawPlus = true
            case "0"..."9":
                if !sawPlus { return nil }
                digits.append(ch)
            case " ", "-", ".", "(", ")":
                continue
            default:
                return nil
            }
        }
        let count = digits.count - 1
        guard sawPlus, count >= 8, count <= 15, digits.dropFirst().first != "0" else { return nil }
        return digits
    }

    public static func normalizedE164(_ text: String) -> String? { normalizedE164(text[...]) }
}
