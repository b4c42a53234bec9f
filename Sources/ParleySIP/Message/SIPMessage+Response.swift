extension SIPMessage {
    /// A response to `request` (§8.2.6): Via, From, To, Call-ID and CSeq copied as they
    /// came, Record-Route copied for 18x/2xx to dialog-creating requests is the caller's job.
    /// `toTag` is added to To when the request's To has no tag (ignored for 100).
    public static func response(to request: SIPMessage, statusCode: Int, reason: String? = nil,
                                toTag: String? = nil) -> SIPMessage {
        var r = SIPMessage(startLine: .response(statusCode: statusCode,
                                                reason: reason ?? SIPMessage.reasonPhrase(for: statusCode),
                                                version: "SIP/2.0"))
        for h in request.headers where h.name == .via { r.headers.append(h) }
        if let from = request.value(.from) { r.add(.from, from) }
        if var to = request.value(.to) {
            if let toTag, statusCode > 100, (try? SIPNameAddress(parsing: to))?.tag == nil {
                to += ";tag=" + toTag
            }
            r.add(.to, to)
        }
        if let callID = request.value(.callID) { r.add(.callID, callID) }
        if let cseq = request.value(.cseq) { r.add(.cseq, cseq) }
        return r
    }

    /// Default reason phrases (§21).
    public static func reasonPhrase(for code: Int) -> String {
        switch code {
        case 100: "Trying"
        case 180: "Ringing"
        case 181: "Call Is Being Forwarded"
        case 182: "Queued"
        case 183: "Session Progress"
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 413: "Request Entity Too Large"
        case 415: "Unsupported Media Type"
        case 420: "Bad Extension"
        case 422: "Session Interval Too Small"
        case 480: "Temporarily Unavailable"
        case 481: "Call/Transaction Does Not Exist"
        case 482: "Loop Detected"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 488: "Not Acceptable Here"
        case 491: "Request Pending"
        case 500: "Server Internal Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 504: "Server Time-out"
        case 505: "Version Not Supported"
        case 513: "Message Too Large"
        case 603: "Decline"
        default: "Unknown"
        }
    }
}
