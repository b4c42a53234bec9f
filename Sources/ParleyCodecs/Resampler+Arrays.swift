extension Resampler {
    /// `process` over whole arrays: all of `input`, written to the start of `output`
    /// (which keeps its size). For callers that keep their frame buffers in class
    /// properties, where a span cannot outlive the property access.
    public func process(_ input: [Int16], into output: inout [Int16]) throws(CodecError) -> Int {
        var span = output.mutableSpan
        return try process(input.span, into: &span)
    }

    /// `process` of a span into the start of an array.
    public func process(_ input: Span<Int16>, into output: inout [Int16]) throws(CodecError) -> Int {
        var span = output.mutableSpan
        return try process(input, into: &span)
    }
}
