import Testing
@testable import ParleyRealtime

@Suite struct RetainedObjectListTests {
    final class Box {
        let id: Int
        init(_ id: Int) { self.id = id }
    }

    @Test func keepsOrderAcrossRemovals() {
        let list = RetainedObjectList<Box>(capacity: 4)
        for id in 1...4 { list.append(Box(id)) }
        #expect(list.count == list.capacity)
        #expect(list.remove(at: 1).id == 2)
        #expect(list.count == 3)
        let ids = (0..<list.count).map { i in list.withObject(at: i) { $0.id } }
        #expect(ids == [1, 3, 4])
        list.append(Box(6))
        #expect(list.withObject(at: 3) { $0.id } == 6)
    }

    @Test func holdsItsObjectsAliveAndLetsThemGo() {
        weak var kept: Box?
        weak var removed: Box?
        var list: RetainedObjectList<Box>? = RetainedObjectList(capacity: 2)
        do {
            let a = Box(1), b = Box(2)
            kept = a
            removed = b
            list!.append(a)
            list!.append(b)
        }
        #expect(kept != nil && removed != nil, "the list holds its objects")
        _ = list!.remove(at: 1)
        #expect(removed == nil, "a removed object is released once")
        #expect(kept != nil)
        list = nil
        #expect(kept == nil, "the list releases what it still holds when it goes")
    }
}
