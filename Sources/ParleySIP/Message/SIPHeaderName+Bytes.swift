extension SIPHeaderName {
    /// The header name for raw bytes from the wire. Canonical spellings and compact letters
    /// are matched byte for byte without building a String; other names take `init(_:)`.
    init(bytes: ArraySlice<UInt8>) { self.init(bytes: bytes, table: SIPHeaderName.exactByLength) }

    /// As `init(bytes:)`, with `exactByLength` passed in: a parser reads the global table once
    /// per message instead of once per header (each read of a lazy global costs a swift_once).
    init(bytes: ArraySlice<UInt8>, table: [[(bytes: [UInt8], name: SIPHeaderName)]]) {
        let n = bytes.count
        if n < table.count {
            let base = bytes.startIndex
            for entry in table[n] where entry.bytes[0] == bytes[base] {
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

extension SIPHeaderName {
    /// The ids of the names the parser looks for, read together: one global access per
    /// message instead of one per comparison with a static name.
    struct Known: Sendable {
        let via, from, to, callID, cseq, maxForwards, contact, route, recordRoute, contentLength: Int16

        static let ids = Known(via: SIPHeaderName.via.id, from: SIPHeaderName.from.id, to: SIPHeaderName.to.id,
                               callID: SIPHeaderName.callID.id, cseq: SIPHeaderName.cseq.id,
                               maxForwards: SIPHeaderName.maxForwards.id, contact: SIPHeaderName.contact.id,
                               route: SIPHeaderName.route.id, recordRoute: SIPHeaderName.recordRoute.id,
                               contentLength: SIPHeaderName.contentLength.id)
    }
}
