import ParleyRealtime

extension SIPStack {
    /// One frame from the transport: protection first (before any parse where possible),
    /// then parse, then requests to server transactions and responses to client ones.
    func receive(_ bytes: [UInt8], from peer: SIPPeer, framing: SIPParser.Framing) {
        let isResponse = bytes.starts(with: [0x53, 0x49, 0x50, 0x2F])  // "SIP/"
        var forbidden = false
        if let allowlist = configuration.allowlist, !allowlist.blocks.isEmpty,
           let source = IPAddress(peer.address.host), !allowlist.allows(source) {
            guard allowlist.rejection == .forbidden403, !isResponse else {
                counters.allowlistDropped += 1
                return
            }
            forbidden = true
        }
        var limitedRetryAfter: Int?
        if !isResponse, !forbidden, rateLimiter != nil,
           case let .limit(seconds) = rateLimiter!.check(peer.address, nowMs: Monotonic.nowMs()) {
            limitedRetryAfter = seconds
        }
        switch parser.parse(bytes, framing: framing) {
        case .drop:
            counters.malformedDropped += 1
        case let .badRequest(request, error):
            guard request.method != .ack, !forbidden, limitedRetryAfter == nil else {
                counters.malformedDropped += 1
                return
            }
            counters.badRequestsAnswered += 1
            let stamped = stampVia(request, from: peer)
            let response = SIPMessage.response(to: stamped, statusCode: error.statusCode, reason: error.reason,
                                               toTag: randomToken(10))
            sendStateless(response, requestPeer: peer)
        case let .message(message):
            if message.isRequest {
                let request = stampVia(message, from: peer)
                if forbidden {
                    counters.allowlistForbidden += 1
                    if request.method != .ack {
                        sendStateless(SIPMessage.response(to: request, statusCode: 403, toTag: randomToken(10)), requestPeer: peer)
                    }
                    return
                }
                if let seconds = limitedRetryAfter, request.method != .ack, !request.isInDialog {
                    if request.method == .invite {
                        counters.rateLimitedAnswered += 1
                        var r = SIPMessage.response(to: request, statusCode: 503, toTag: randomToken(10))
                        r.add(.retryAfter, String(seconds))
                        sendStateless(r, requestPeer: peer)
                    } else {
                        counters.rateLimitedDropped += 1
                    }
                    return
                }
                counters.requestsReceived += 1
                receiveRequest(request, from: peer)
            } else {
                counters.responsesReceived += 1
                receiveResponse(message)
            }
        }
    }

    /// §18.2.1 / RFC 3581: `received` (and `rport`) on the top Via.
    func stampVia(_ request: SIPMessage, from peer: SIPPeer) -> SIPMessage {
        guard let index = request.headers.firstIndex(where: { $0.name == .via }),
              let via = try? SIPVia(parsing: request.headers[index].value) else { return request }
        var m = request
        m.headers[index].value = via.stamped(sourceHost: peer.address.host, sourcePort: Int(peer.address.port)).serialized
        return m
    }

    /// Where a response goes (§18.2.2): back on the TCP connection; for UDP to the top
    /// Via's maddr / received / rport / sent-by, falling back to the packet's source.
    func responsePeer(for response: SIPMessage, requestPeer: SIPPeer) -> SIPPeer {
        guard requestPeer.transport == .udp, let via = response.topVia else { return requestPeer }
        let destination = via.responseDestination
        var host = destination.host
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard destination.port > 0, destination.port <= 65_535,
              let address = SocketAddress(host: host, port: UInt16(destination.port)) else {
            return requestPeer
        }
        return SIPPeer(transport: .udp, address: address)
    }

    func sendStateless(_ response: SIPMessage, requestPeer: SIPPeer) {
        transport.send(response, to: responsePeer(for: response, requestPeer: requestPeer))
    }

    // MARK: requests

    func receiveRequest(_ request: SIPMessage, from peer: SIPPeer) {
        guard let method = request.method else { return }
        let key = TransactionKey.server(for: request) ?? legacyKey(request)
        if method == .ack {
            if serverTransactions[key] != nil {
                serverEvent(key, .request(request))
                return
            }
            if let id = DialogID.forIncoming(request), let call = dialogs[id] {
                ackReceived(call: call, ack: request)
                return
            }
            counters.strayAcks += 1
            return
        }
        if serverTransactions[key] != nil {
            counters.retransmissionsAbsorbed += 1
            serverEvent(key, .request(request))
            return
        }
        let tx = ServerTransaction(request: request, reliable: peer.transport.isReliable, timers: configuration.timers)
        serverTransactions[key] = ServerEntry(transaction: tx, peer: peer, call: nil)
        serverEvent(key, .start)
    }

    /// RFC 2543 requests carry no magic-cookie branch: match on Call-ID, CSeq and From tag.
    func legacyKey(_ request: SIPMessage) -> TransactionKey {
        let cseq = request.cseq?.sequence ?? 0
        let method = request.method == .ack ? SIPMethod.invite : (request.method ?? .options)
        return TransactionKey(branch: "2543:\(request.callID ?? ""):\(cseq):\(request.from?.tag ?? "")",
                              sentBy: request.topVia?.sentBy ?? "", method: method)
    }

    /// A new request delivered by its server transaction (the UA core, §8.2).
    func deliverRequest(_ request: SIPMessage, key: TransactionKey) {
        guard let method = request.method, let entry = serverTransactions[key] else { return }
        if method == .cancel {
            handleCancel(request, key: key)
            return
        }
        if request.isInDialog {
            if let id = DialogID.forIncoming(request), let call = dialogs[id] {
                serverTransactions[key]?.call = call
                sessionEvent(call, .request(request))
            } else {
                counters.unknownDialog481 += 1
                respond(key, SIPMessage.unknownDialog(request, toTag: randomToken(10)))
            }
            return
        }
        switch method {
        case .invite:
            if draining {
                var r = SIPMessage.response(to: request, statusCode: 503, toTag: randomToken(10))
                r.add(.retryAfter, String(configuration.options.retryAfterSeconds))
                respond(key, r)
                return
            }
            newIncomingCall(request, key: key, peer: entry.peer)
        case .options:
            respond(key, configuration.options.response(to: request, toTag: randomToken(10)))
        case .bye, .prack, .update, .info, .notify, .refer:
            counters.unknownDialog481 += 1
            respond(key, SIPMessage.unknownDialog(request, toTag: randomToken(10)))
        default:
            var r = SIPMessage.response(to: request, statusCode: 405, toTag: randomToken(10))
            r.add(.allow, InviteSession.allowedMethods.joined(separator: ", "))
            respond(key, r)
        }
    }

    func handleCancel(_ cancel: SIPMessage, key: TransactionKey) {
        guard let inviteKey = TransactionKey.cancelled(by: cancel) ?? Optional(legacyKey(cancel)),
              let invite = serverTransactions[inviteKey], let call = invite.call else {
            respond(key, SIPMessage.response(to: cancel, statusCode: 481, toTag: randomToken(10)))
            return
        }
        serverTransactions[key]?.call = call
        sessionEvent(call, .cancel(cancel))
    }

    /// Sends a response through the server transaction `key`.
    func respond(_ key: TransactionKey, _ response: SIPMessage) {
        serverEvent(key, .respond(response))
    }

    // MARK: responses

    func receiveResponse(_ response: SIPMessage) {
        if let key = TransactionKey.client(forResponse: response), clientTransactions[key] != nil {
            clientEvent(key, .response(response))
            return
        }
        // A retransmitted 2xx to an INVITE whose transaction ended (§13.2.2.4): re-ACK.
        if response.cseq?.method == .invite, let code = response.statusCode, (200..<300).contains(code),
           let id = DialogID.forResponse(response), let call = dialogs[id], let entry = calls[call] {
            sessionEvent(call, .response(response, via: newVia(entry.transport)))
            return
        }
        counters.strayResponses += 1
    }
}
