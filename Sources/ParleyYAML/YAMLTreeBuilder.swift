/// Turns the event stream into a node tree: checks duplicate keys, scalar keys,
/// nesting depth, alias expansion size and the one-document rule.
struct YAMLTreeBuilder {
    /// An open sequence or mapping. Mutated in place on the stack (no copies of the
    /// growing arrays).
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        /// Key text → index in `pairs`; built once a mapping grows past a few keys
        /// (small mappings are scanned).
        var index: [String: Int] = [:]
        /// Nodes in the subtree so far, aliases expanded.
        var size = 1
        var anchor: String?
        var tag: String?
        var mark: YAMLMark
    }

    let path: String
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documentCount = 0
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0

    init(path: String) { self.path = path }

    mutating func consume(_ event: YAMLEvent) throws(YAMLError) {
        switch event {
        case .documentStart(let mark):
            documentCount += 1
            if documentCount > 1 {
                throw YAMLError(.multipleDocuments, "only one YAML document is allowed per file", at: mark)
            }
        case .documentEnd:
            break
        case .scalar(let scalar, let anchor, let tag, let mark):
            try add(YAMLNode(.scalar(scalar), mark: mark, tag: tag), size: 1, anchor: anchor)
        case .alias(let name, let mark):
            guard let anchored = anchors[name] else {
                throw YAMLError(.undefinedAlias, "alias '*\(name)' refers to no anchor", at: mark)
            }
            try add(anchored.node, size: anchored.size, anchor: nil, aliasMark: mark)
        case .sequenceStart(let anchor, let tag, let mark):
            try push(Frame(isMapping: false, anchor: anchor, tag: tag, mark: mark))
        case .mappingStart(let anchor, let tag, let mark):
            try push(Frame(isMapping: true, anchor: anchor, tag: tag, mark: mark))
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
            try add(YAMLNode(content, mark: frame.mark, tag: frame.tag), size: frame.size, anchor: frame.anchor, counted: true)
        }
    }

    func finish() -> YAMLNode {
        root ?? YAMLNode(.scalar(YAMLScalar("")), mark: YAMLMark(path: path, line: 1, column: 1))
    }

    private mutating func push(_ frame: Frame) throws(YAMLError) {
        if stack.count >= YAMLLoader.maxDepth {
            throw YAMLError(.nestingTooDeep, "nesting deeper than \(YAMLLoader.maxDepth) levels", at: frame.mark)
        }
        stack.append(frame)
    }

    private mutating func add(
        _ node: YAMLNode, size: Int, anchor: String?, aliasMark: YAMLMark? = nil, counted: Bool = false
    ) throws(YAMLError) {
        // A container's children were counted already; scalars count 1, aliases their whole size.
        nodeCount += counted ? 1 : size
        if nodeCount > YAMLLoader.maxNodeCount {
            throw YAMLError(.aliasExpansionTooLarge,
                            "document expands to more than \(YAMLLoader.maxNodeCount) nodes",
                            at: aliasMark ?? node.mark)
        }
        if let anchor { anchors[anchor] = (node, min(size, YAMLLoader.maxNodeCount + 1)) }
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let key = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
            stack[top].pendingKey = nil
            return
        }
        guard case .scalar(let s) = node.content else {
            throw YAMLError(.nonScalarKey, "mapping keys must be scalars, found \(node.kindName)", at: aliasMark ?? node.mark)
        }
        let count = stack[top].pairs.count
        var duplicate: Int?
        if count < 16 {
            duplicate = stack[top].pairs.firstIndex(where: { $0.name == s.value })
        } else {
            if stack[top].index.isEmpty {
                for (i, pair) in stack[top].pairs.enumerated() { stack[top].index[pair.name] = i }
            }
            duplicate = stack[top].index[s.value]
            stack[top].index[s.value] = count
        }
        if let duplicate {
            let first = stack[top].pairs[duplicate].key.mark
            throw YAMLError(.duplicateKey,
                            "duplicate key '\(s.value)' (first defined at line \(first.line), column \(first.column))",
                            at: aliasMark ?? node.mark)
        }
        stack[top].pendingKey = node
    }
}
