extension SIPHeaderName {
    /// The header name for raw bytes from the wire. Canonical spellings and compact letters
    /// are matched byte for byte without building a String; other names take `init(_:)`.
    init(bytes: ArraySlice<UInt8>) {
        let n = bytes.count
        if n < SIPHeaderName.exactByLength.count {
            let base = bytes.startIndex
            for entry in SIPHeaderName.exactByLength[n] where entry.bytes[0] == bytes[base] {
                var k = 1
                while k < n, entry.bytes[k] == bytes[base + k] { k += 1 }
                if k == n {
                    self = entry.name
                    return
                }
            }
        }
        self.init(String(decoding: bytes, as: UTF8.self))
    }

    /// `exact`, grouped by the byte length of the spelling.
    static let exactByLength: [[(bytes: [UInt8], name: SIPHeaderName)]] = {
        var table = [[(bytes: [UInt8], name: SIPHeaderName)]](repeating: [], count: 33)
        for (raw, known) in exact where raw.utf8.count < table.count {
            table[raw.utf8.count].append((Array(raw.utf8), SIPHeaderName(name: known.name, key: known.key, id: known.id)))
        }
        return table
    }()
}
