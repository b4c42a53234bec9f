/// A list of at most `capacity` small values stored inline: what the pure state machines
/// return from `handle(_:)`, so the per-frame path never allocates an array.
/// Appending past capacity drops the value and counts it in `dropped`.
public struct FixedList<Element: Sendable>: Sendable, RandomAccessCollection {
    public static var capacity: Int { 8 }
    private var storage: InlineArray<8, Element?>
    public private(set) var count: Int
    public private(set) var dropped: Int

    public init() {
        storage = InlineArray(repeating: nil)
        count = 0
        dropped = 0
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> Element {
        precondition(position >= 0 && position < count, "FixedList index out of range")
        return storage[position]!
    }

    public mutating func append(_ element: Element) {
        guard count < 8 else { dropped += 1; return }
        storage[count] = element
        count += 1
    }

    /// Inserts at `index` (0...count), shifting later elements; drops the last when full.
    public mutating func insert(_ element: Element, at index: Int) {
        precondition(index >= 0 && index <= count, "FixedList insert index out of range")
        if count == 8 { dropped += 1 } else { count += 1 }
        var i = count - 1
        while i > index {
            storage[i] = storage[i - 1]
            i -= 1
        }
        if index < count { storage[index] = element }
    }

    public mutating func append(contentsOf other: FixedList<Element>) {
        for e in other { append(e) }
    }
}
