extension SIPParser.Reader {
    /// Checks the headers every message needs (§8.1.1) and those the stack reads. Common
    /// well-formed values pass a byte-level check; anything else takes the typed parsers,
    /// which define what is valid. Errors are reported in a fixed order (first one wins).
    mutating func validate() {
        let headers = message.headers
        var viaCount = 0, fromCount = 0, toCount = 0, callIDCount = 0, cseqCount = 0, maxForwardsCount = 0
        var fromIndex = -1, toIndex = -1, callIDIndex = -1, cseqIndex = -1, maxForwardsIndex = -1
        var hasAddressLists = false
        let known = self.known
        for k in headers.indices {
            // Known names compare by id (all header names checked here are known ones).
            switch headers[k].name.id {
            case known.via: viaCount += 1
            case known.from: fromCount += 1; if fromIndex < 0 { fromIndex = k }
            case known.to: toCount += 1; if toIndex < 0 { toIndex = k }
            case known.callID: callIDCount += 1; if callIDIndex < 0 { callIDIndex = k }
            case known.cseq: cseqCount += 1; if cseqIndex < 0 { cseqIndex = k }
            case known.maxForwards: maxForwardsCount += 1; if maxForwardsIndex < 0 { maxForwardsIndex = k }
            case known.contact, known.route, known.recordRoute: hasAddressLists = true
            default: break
            }
        }
        if viaCount > 0 {
            for k in headers.indices where headers[k].name.id == known.via && !SIPQuickCheck.via(valueBytes[k]) {
                do { _ = try SIPVia(parsing: headers[k].value) } catch { fail(SIPParseError(error.code, "Bad Via header")); break }
            }
        }
        if viaCount == 0 { fail(SIPParseError(.missingHeader, "Missing Via header")) }
        if fromCount == 0 { fail(SIPParseError(.missingHeader, "Missing From header")) }
        if toCount == 0 { fail(SIPParseError(.missingHeader, "Missing To header")) }
        if callIDCount == 0 { fail(SIPParseError(.missingHeader, "Missing Call-ID header")) }
        if cseqCount == 0 { fail(SIPParseError(.missingHeader, "Missing CSeq header")) }
        for (count, index, label) in [(fromCount, fromIndex, "From"), (toCount, toIndex, "To")] {
            if count > 1 { fail(SIPParseError(.malformedNameAddress, "More than one \(label) header")) }
            if index >= 0, !SIPQuickCheck.nameAddress(valueBytes[index]) {
                do { _ = try SIPNameAddress(parsing: headers[index].value) } catch { fail(SIPParseError(error.code, "Bad \(label) header")) }
            }
        }
        if hasAddressLists {
            for (name, label) in [(SIPHeaderName.contact, "Contact"), (.route, "Route"), (.recordRoute, "Record-Route")] {
                for k in headers.indices where headers[k].name == name && !SIPQuickCheck.nameAddress(valueBytes[k]) {
                    do { _ = try SIPNameAddress(parsing: headers[k].value) } catch { fail(SIPParseError(error.code, "Bad \(label) header")); break }
                }
            }
        }
        if callIDIndex >= 0 {
            let callID = valueBytes[callIDIndex]
            if callID.isEmpty || callID.contains(where: { $0 <= 0x20 }) || callIDCount > 1 {
                fail(SIPParseError(.malformedHeaderLine, "Bad Call-ID header"))
            }
        }
        if cseqIndex >= 0, !SIPQuickCheck.cseq(valueBytes[cseqIndex], method: message.method) {
            do {
                let cseq = try SIPCSeq(parsing: headers[cseqIndex].value)
                if let m = message.method, cseq.method != m {
                    fail(SIPParseError(.cseqMethodMismatch, "CSeq method does not match Request-Line"))
                }
            } catch {
                fail(error)
            }
        }
        if maxForwardsCount > 1 {
            // §20.22: Max-Forwards is a single value; two of them leave the hop count ambiguous.
            fail(SIPParseError(.malformedMaxForwards, "More than one Max-Forwards header"))
        } else if maxForwardsIndex >= 0 {
            let mf = headers[maxForwardsIndex].value
            if !SIPGrammar.isDigits(mf) {
                fail(SIPParseError(.malformedMaxForwards, "Bad Max-Forwards: not a number"))
            } else if mf.count > 9 || (Int(mf) ?? 256) > 255 {
                fail(SIPParseError(.malformedMaxForwards, "Bad Max-Forwards: out of range 0-255"))
            }
        }
    }

    func outcome() -> ParseOutcome {
        guard let error = firstError else { return .message(message) }
        guard looksLikeRequest, answerable() else { return .drop(error) }
        return .badRequest(request: message, error: error)
    }

    /// Enough to build a response: a readable top Via sent-by, From, To, Call-ID and CSeq.
    func answerable() -> Bool {
        guard let top = message.value(.via) else { return false }
        let head = top.utf8Split(UInt8(ascii: ";"), omittingEmpty: true, maxSplits: 1).first.map(String.init) ?? top
        guard (try? SIPVia(parsing: head)) != nil else { return false }
        for name in [SIPHeaderName.from, .to, .callID, .cseq] {
            guard let v = message.value(name), !v.isEmpty else { return false }
        }
        return true
    }
}
