/// Even RTP ports (RTCP on the odd port above) from a configured range. Released ports
/// go to the back of the queue so a port is not reused while stray packets of the old
/// call may still arrive. Pure: it hands out numbers; binding is the caller's job
/// (a port that fails to bind can be released and another allocated).
public struct RTPPortPool: Sendable {
    public let range: ClosedRange<UInt16>
    /// Free even ports in FIFO order (ring buffer over `slots`).
    var slots: [UInt16]
    var head = 0
    var freeCount: Int
    var inUse: [Bool]

    /// `range` bounds both RTP and RTCP ports: an RTP port p is usable when p is even and p + 1 ≤ upper bound.
    public init(range: ClosedRange<UInt16>) {
        self.range = range
        let first = range.lowerBound % 2 == 0 ? Int(range.lowerBound) : Int(range.lowerBound) + 1
        var ports: [UInt16] = []
        var p = first
        while p + 1 <= Int(range.upperBound) { ports.append(UInt16(p)); p += 2 }
        slots = ports
        freeCount = ports.count
        inUse = Array(repeating: false, count: ports.count)
    }

    /// Number of RTP/RTCP pairs the range holds.
    public var capacity: Int { slots.count }
    public var available: Int { freeCount }

    /// An even RTP port, or nil when the pool is exhausted.
    public mutating func allocate() -> UInt16? {
        guard freeCount > 0 else { return nil }
        let port = slots[head]
        head = (head + 1) % slots.count
        freeCount -= 1
        inUse[index(of: port)] = true
        return port
    }

    /// Returns `port` to the pool. Returns false for a port that is not allocated
    /// (double release or a foreign number), leaving the pool unchanged.
    @discardableResult
    public mutating func release(_ port: UInt16) -> Bool {
        guard port % 2 == 0, slots.count > 0 else { return false }
        let i = index(of: port)
        guard i >= 0, i < inUse.count, inUse[i] else { return false }
        inUse[i] = false
        slots[(head + freeCount) % slots.count] = port
        freeCount += 1
        return true
    }

    public func isAllocated(_ port: UInt16) -> Bool {
        let i = index(of: port)
        return port % 2 == 0 && i >= 0 && i < inUse.count && inUse[i]
    }

    func index(of port: UInt16) -> Int {
        guard let first = slots.isEmpty ? nil : Int(range.lowerBound) + Int(range.lowerBound % 2) else { return -1 }
        return (Int(port) - first) / 2
    }
}
