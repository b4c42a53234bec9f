import ParleySIP

/// A call's way back to its SIP stack: every method hops to the stack's event-loop
/// thread (the stack is confined to it) and returns at once.
struct SIPLink: Sendable {
    let stack: SIPStack
    let call: SIPCallHandle

    func hangup(extraHeaders: [SIPMessage.Header]) {
        let stack = self.stack, call = self.call
        stack.loop.execute { stack.hangup(call, extraHeaders: extraHeaders) }
    }

    func respond(to request: SIPMessage, statusCode: Int, body: [UInt8] = [], contentType: String? = nil) {
        let stack = self.stack, call = self.call
        stack.loop.execute { stack.respond(call, to: request, statusCode: statusCode, body: body, contentType: contentType) }
    }

    func send(_ method: SIPMethod, body: [UInt8] = [], contentType: String? = nil,
              extraHeaders: [SIPMessage.Header] = []) {
        let stack = self.stack, call = self.call
        stack.loop.execute {
            stack.send(call, method: method, body: body, contentType: contentType, extraHeaders: extraHeaders)
        }
    }
}
