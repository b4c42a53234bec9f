/// RFC 4733 receive state machine. Reports a digit when it begins and when it ends;
/// absorbs the redundant end packets and late continuations, does not rely on the
/// marker bit (some peers never set it), ends an event whose end packets were all
/// lost when the next event starts or after `timeoutMs` without packets. Pure: the
/// caller passes its clock in ms. Returns a fixed struct (no allocation per packet).
public struct TelephoneEventReceiver: Equatable, Sendable, BitwiseCopyable {
    /// What one packet or timeout produced, in order: a previous event ended (its end
    /// packets were lost), a new one began, and/or the current one ended.
    public struct Report: Equatable, Sendable, BitwiseCopyable {
        public var previousEnded: DTMFDigit?
        public var began: DTMFDigit?
        public var ended: DTMFDigit?

        public init(previousEnded: DTMFDigit? = nil, began: DTMFDigit? = nil, ended: DTMFDigit? = nil) {
            self.previousEnded = previousEnded
            self.began = began
            self.ended = ended
        }

        public var isEmpty: Bool { previousEnded == nil && began == nil && ended == nil }
    }

    public let timeoutMs: Int64
    /// Event in progress.
    public private(set) var current: DTMFDigit?
    var lastPacketMs: Int64 = 0
    /// Timestamp of the last event that ended, to drop its redundant end packets.
    public private(set) var lastEndedTimestamp: UInt32?
    public private(set) var ignoredPackets: UInt64 = 0

    public init(timeoutMs: Int64 = 400) {
        self.timeoutMs = timeoutMs
    }

    /// Handles one telephone-event packet (its RTP timestamp and parsed payload).
    public mutating func receive(_ payload: TelephoneEvent, timestamp: UInt32, atMs nowMs: Int64) -> Report {
        var report = Report()
        guard payload.event <= TelephoneEvent.highestDTMFEvent else {
            ignoredPackets &+= 1
            return report
        }
        if let ended = lastEndedTimestamp, RTPSequence.timestampDistance(from: ended, to: timestamp) <= 0,
           current == nil || current!.timestamp != timestamp {
            ignoredPackets &+= 1   // redundant end packet or a late packet of a finished event
            return report
        }
        if var c = current {
            if c.timestamp == timestamp {
                c.durationSamples = max(c.durationSamples, Int(payload.duration))
                lastPacketMs = nowMs
                if payload.end {
                    report.ended = c
                    finish(c)
                } else {
                    current = c
                }
                return report
            }
            if RTPSequence.timestampDistance(from: c.timestamp, to: timestamp) < 0 {
                ignoredPackets &+= 1   // older than the event in progress
                return report
            }
            report.previousEnded = c
            finish(c)
        }
        let digit = DTMFDigit(event: payload.event, timestamp: timestamp, durationSamples: Int(payload.duration))
        report.began = digit
        lastPacketMs = nowMs
        if payload.end {
            report.ended = digit
            finish(digit)
        } else {
            current = digit
        }
        return report
    }

    /// Ends the event in progress when no packet came for `timeoutMs`.
    public mutating func expire(nowMs: Int64) -> DTMFDigit? {
        guard let c = current, nowMs - lastPacketMs >= timeoutMs else { return nil }
        finish(c)
        return c
    }

    mutating func finish(_ digit: DTMFDigit) {
        lastEndedTimestamp = digit.timestamp
        current = nil
    }
}
