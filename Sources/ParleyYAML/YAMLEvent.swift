/// A libyaml parse event copied into Swift values (no pointers escape the C adapter).
enum YAMLEvent: Sendable {
    case documentStart(YAMLMark)
    case documentEnd
    case scalar(YAMLScalar, anchor: String?, tag: String?, YAMLMark)
    case alias(anchor: String, YAMLMark)
    case sequenceStart(anchor: String?, tag: String?, YAMLMark)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?, YAMLMark)
    case mappingEnd
}
