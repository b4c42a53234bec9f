// Span views of arrays held in class properties: the access lasts exactly as long as the
// closure (a class property cannot lend a span beyond one formal access). One uniqueness
// check per frame instead of one per sample.

@inline(__always)
func withMutableSpan<T, R>(_ array: inout [T], _ body: (inout MutableSpan<T>) -> R) -> R {
    var span = array.mutableSpan
    return body(&span)
}
