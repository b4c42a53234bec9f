// Safety invariants for this file (the only place ParleyYAML touches pointers):
// - `yaml_parser_t` and `yaml_event_t` live in local variables of `read`; every
//   initialised parser is deleted by `defer`, every parsed event is deleted right after
//   it is copied into a Swift `YAMLEvent`.
// - The input buffer is pinned by `withUnsafeBufferPointer` for the whole parse; libyaml
//   only reads `count` bytes from it. An empty input uses a one-byte buffer with length 0.
// - C strings from events (value/anchor/tag, with explicit lengths where libyaml gives
//   one) are copied into Swift `String`s before the event is deleted; no pointer escapes.
import CYAML

enum YAMLEventReader {
    /// Parses `bytes` and hands each event to `sink`, in order.
    static func read(
        bytes: [UInt8], path: String, sink: (YAMLEvent) throws(YAMLError) -> Void
    ) throws(YAMLError) {
        let input = bytes.isEmpty ? [0] : bytes
        let length = bytes.count
        var failure: YAMLError?
        input.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else {
                failure = YAMLError(.syntax, "cannot initialise the YAML parser", at: YAMLMark(path: path, line: 1, column: 1))
                return
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, length)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) != 0 else {
                    failure = syntaxError(parser, path: path)
                    return
                }
                let type = event.type
                let converted = convert(event, path: path)
                yaml_event_delete(&event)
                if type == YAML_STREAM_END_EVENT { return }
                guard let converted else { continue }
                do throws(YAMLError) { try sink(converted) } catch {
                    failure = error
                    return
                }
            }
        }
        if let failure { throw failure }
    }

    private static func syntaxError(_ parser: yaml_parser_t, path: String) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context)"
        }
        let mark = parser.problem_mark
        return YAMLError(.syntax, message,
                         at: YAMLMark(path: path, line: Int(mark.line) + 1, column: Int(mark.column) + 1))
    }

    private static func convert(_ event: yaml_event_t, path: String) -> YAMLEvent? {
        let mark = YAMLMark(path: path, line: Int(event.start_mark.line) + 1,
                            column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = string(s.value, length: Int(s.length)) ?? ""
            let style: YAMLScalar.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return .scalar(YAMLScalar(value, style: style), anchor: cString(s.anchor), tag: cString(s.tag), mark)
        case YAML_ALIAS_EVENT:
            return .alias(anchor: cString(event.data.alias.anchor) ?? "", mark)
        case YAML_SEQUENCE_START_EVENT:
            let s = event.data.sequence_start
            return .sequenceStart(anchor: cString(s.anchor), tag: cString(s.tag), mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let m = event.data.mapping_start
            return .mappingStart(anchor: cString(m.anchor), tag: cString(m.tag), mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return nil
        }
    }

    private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String? {
        guard let pointer else { return nil }
        let bytes = UnsafeBufferPointer(start: pointer, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }
}
