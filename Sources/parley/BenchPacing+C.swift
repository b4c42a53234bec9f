// Safety invariants (allocation-counter adapter):
// - `parley_alloc_thread_row` writes at most 16 bytes, NUL-terminated, into the buffer it is
//   given; `name` holds exactly 16 CChars and lives across the call.
// - The buffer is read as a C string only after that call returned, and is NUL-terminated.
import CParleyAllocCounter

extension BenchPacing {
    /// Allocations per thread name in the last counting window (threads that allocated).
    static func allocationRows() -> [(name: String, count: UInt64)] {
        var rows: [(name: String, count: UInt64)] = []
        var name = [CChar](repeating: 0, count: 16)
        for i in 0..<Int(parley_alloc_thread_row_count()) {
            let count = name.withUnsafeMutableBufferPointer { parley_alloc_thread_row(Int32(i), $0.baseAddress) }
            let text = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if let k = rows.firstIndex(where: { $0.name == text }) { rows[k].count += count } else { rows.append((text, count)) }
        }
        return rows.filter { $0.count > 0 }
    }

}
