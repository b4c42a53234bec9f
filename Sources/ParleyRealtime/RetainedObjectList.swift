// RetainedObjectList — an ordered, fixed-capacity list of objects for a realtime loop:
// each object is retained once when it joins and released once when it leaves, so
// calling it from the loop retains and releases nothing (an `[Object]` read retains
// per access unless the optimizer proves it need not).
//
// Safety invariants: `storage[0..<count]` hold +1 references taken by `append` (and
// given back by `remove(at:)` or `deinit`); `storage[count...]` are nil. `withObject`
// lends an object that the list keeps alive for the whole call. One thread uses a list
// at a time (not Sendable).
public final class RetainedObjectList<Object: AnyObject> {
    public let capacity: Int
    public private(set) var count = 0
    @usableFromInline var storage: [Unmanaged<Object>?]

    public init(capacity: Int) {
        self.capacity = capacity
        storage = [Unmanaged<Object>?](repeating: nil, count: capacity)
    }

    deinit {
        for i in 0..<count { storage[i]?.release() }
    }

    /// Adds `object` at the end; false when the list is full.
    public func append(_ object: Object) -> Bool {
        guard count < capacity else { return false }
        storage[count] = .passRetained(object)
        count += 1
        return true
    }

    /// Removes the object at `index` keeping the others' order, and returns it.
    public func remove(at index: Int) -> Object {
        precondition(index >= 0 && index < count, "RetainedObjectList index out of range")
        let object = storage[index]!.takeRetainedValue()
        for k in index..<(count - 1) { storage[k] = storage[k + 1] }
        count -= 1
        storage[count] = nil
        return object
    }

    /// Runs `body` on the object at `index` without retaining it.
    @inlinable @inline(__always)
    public func withObject<R>(at index: Int, _ body: (Object) -> R) -> R {
        storage[index]!._withUnsafeGuaranteedRef(body)
    }
}
