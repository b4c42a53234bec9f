// RetainedObjectList — an ordered, fixed-capacity list of objects for a realtime loop:
// each object is retained once when it joins and released once when it leaves, so
// calling it from the loop retains and releases nothing (an `[Object]` read retains
// per access unless the optimizer proves it need not).
//
// Safety invariants: `storage` holds `capacity` slots, allocated in `init` and freed in
// `deinit`; `storage[0..<count]` hold +1 references taken by `append` (and given back by
// `remove(at:)` or `deinit`). `withObject` lends an object that the list keeps alive for
// the whole call. One thread uses a list at a time (not Sendable).
public final class RetainedObjectList<Object: AnyObject> {
    public let capacity: Int
    public private(set) var count = 0
    @usableFromInline let storage: UnsafeMutablePointer<Unmanaged<Object>>

    public init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: max(1, capacity))
    }

    deinit {
        for i in 0..<count { storage[i].release() }
        storage.deallocate()
    }

    /// Adds `object` at the end. The list must not be full.
    public func append(_ object: Object) {
        precondition(count < capacity, "RetainedObjectList is full")
        storage[count] = .passRetained(object)
        count += 1
    }

    /// Removes the object at `index` keeping the others' order, and returns it.
    public func remove(at index: Int) -> Object {
        precondition(index >= 0 && index < count, "RetainedObjectList index out of range")
        let object = storage[index].takeRetainedValue()
        for k in index..<(count - 1) { storage[k] = storage[k + 1] }
        count -= 1
        return object
    }

    /// Runs `body` on the object at `index` (< count, unchecked) without retaining it.
    @inlinable @inline(__always)
    public func withObject<R>(at index: Int, _ body: (Object) -> R) -> R {
        storage[index]._withUnsafeGuaranteedRef(body)
    }
}
