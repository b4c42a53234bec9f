// Span views of arrays held in class properties: the access lasts exactly as long as
// the closure (a class property cannot lend a span beyond one formal access).

@inline(__always)
func withMutableSpan<T, R>(_ array: inout [T], _ body: (inout MutableSpan<T>) -> R) -> R {
    var span = array.mutableSpan
    return body(&span)
}

@inline(__always)
func withSpan<T, R>(_ array: [T], _ body: (Span<T>) -> R) -> R {
    body(array.span)
}
