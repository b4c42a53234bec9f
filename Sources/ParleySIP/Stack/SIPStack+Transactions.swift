import ParleyRealtime

extension SIPStack {
    // MARK: server transactions

    func serverEvent(_ key: TransactionKey, _ event: ServerTransaction.Event) {
        guard var entry = serverTransactions[key] else { return }
        let actions = entry.transaction.handle(event)
        serverTransactions[key]?.transaction = entry.transaction
        for action in actions {
            switch action {
            case let .send(message):
                transport.send(message, to: responsePeer(for: message, requestPeer: entry.peer))
            case let .startTimer(timer, delayMs):
                startTimer(TimerRef(owner: .server(key), timer: timer), delayMs: delayMs)
            case let .cancelTimer(timer):
                cancelTimer(TimerRef(owner: .server(key), timer: timer))
            case let .deliver(request):
                deliverRequest(request, key: key)
                if let updated = serverTransactions[key] { entry = updated }
            case .timeout, .transportError:
                break  // Timer H without ACK: the session's own ACK timeout covers 2xx; non-2xx just ends.
            case .terminated:
                cancelTimers(of: .server(key))
                serverTransactions[key] = nil
            }
        }
    }

    // MARK: client transactions

    /// Starts a client transaction for `request` towards `peer`.
    func sendRequest(_ request: SIPMessage, to peer: SIPPeer, call: Int?) {
        guard let key = TransactionKey.client(for: request) else { return }
        let tx = ClientTransaction(request: request, reliable: peer.transport.isReliable, timers: configuration.timers)
        clientTransactions[key] = ClientEntry(transaction: tx, peer: peer, call: call)
        clientEvent(key, .start)
    }

    func clientEvent(_ key: TransactionKey, _ event: ClientTransaction.Event) {
        guard var entry = clientTransactions[key] else { return }
        let actions = entry.transaction.handle(event)
        clientTransactions[key]?.transaction = entry.transaction
        for action in actions {
            switch action {
            case let .send(message):
                if !transport.send(message, to: entry.peer), message.method != .ack, case .start = event {
                    counters.unroutableSends += 1
                }
            case let .startTimer(timer, delayMs):
                startTimer(TimerRef(owner: .client(key), timer: timer), delayMs: delayMs)
            case let .cancelTimer(timer):
                cancelTimer(TimerRef(owner: .client(key), timer: timer))
            case let .deliver(response):
                if let call = entry.call { responseForCall(call, response) }
            case .timeout, .transportError:
                // The TU sees a 408 (§8.1.3.1) built from the request.
                let r408 = SIPMessage.response(to: entry.transaction.request, statusCode: 408)
                if let call = entry.call { responseForCall(call, r408) }
            case .terminated:
                cancelTimers(of: .client(key))
                clientTransactions[key] = nil
            }
            if let updated = clientTransactions[key] { entry = updated }
        }
    }

    /// Where a request of a call goes: the route set's first hop or the remote target,
    /// when numeric; else the peer the call was set up with.
    func requestPeer(for message: SIPMessage, call: SIPCallState) -> SIPPeer {
        var target: SIPURI?
        if let route = message.routes.first { target = route.uri } else { target = message.requestURI }
        if let target, let address = SocketAddress(host: target.hostAddress, port: UInt16(clamping: target.port ?? 5060)),
           target.port ?? 5060 > 0 {
            let transport: SIPTransportProtocol = target.transport == "tcp" ? .tcp : call.transport
            if transport == call.peer.transport, address == call.peer.address { return call.peer }
            return SIPPeer(transport: transport, address: address)
        }
        return call.peer
    }
}
