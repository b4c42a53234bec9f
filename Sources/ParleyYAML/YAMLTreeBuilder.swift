/// Turns the event stream into a node tree: checks duplicate keys, scalar keys,
/// nesting depth, alias expansion size and the one-document rule.
struct YAMLTreeBuilder {
    private enum Frame {
        // `size`: nodes in the subtree so far, aliases expanded.
        case sequence([YAMLNode], size: Int, anchor: String?, tag: String?, YAMLMark)
        case mapping([YAMLPair], size: Int, pendingKey: YAMLNode?, seen: [String: YAMLMark], anchor: String?, tag: String?, YAMLMark)
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
            try push(.sequence([], size: 1, anchor: anchor, tag: tag, mark), mark)
        case .mappingStart(let anchor, let tag, let mark):
            try push(.mapping([], size: 1, pendingKey: nil, seen: [:], anchor: anchor, tag: tag, mark), mark)
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return }
            switch frame {
            case .sequence(let items, let size, let anchor, let tag, let mark):
                try add(YAMLNode(.sequence(items), mark: mark, tag: tag), size: size, anchor: anchor, counted: true)
            case .mapping(let pairs, let size, _, _, let anchor, let tag, let mark):
                try add(YAMLNode(.mapping(pairs), mark: mark, tag: tag), size: size, anchor: anchor, counted: true)
            }
        }
    }

    func finish() -> YAMLNode {
        root ?? YAMLNode(.scalar(YAMLScalar("")), mark: YAMLMark(path: path, line: 1, column: 1))
    }

    private mutating func push(_ frame: Frame, _ mark: YAMLMark) throws(YAMLError) {
        if stack.count >= YAMLLoader.maxDepth {
            throw YAMLError(.nestingTooDeep, "nesting deeper than \(YAMLLoader.maxDepth) levels", at: mark)
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
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(var items, let total, let a, let t, let m):
            items.append(node)
            stack.append(.sequence(items, size: total + size, anchor: a, tag: t, m))
        case .mapping(var pairs, let total, let pendingKey, var seen, let a, let t, let m):
            if let key = pendingKey {
                pairs.append(YAMLPair(key: key, value: node))
                stack.append(.mapping(pairs, size: total + size, pendingKey: nil, seen: seen, anchor: a, tag: t, m))
            } else {
                guard case .scalar(let s) = node.content else {
                    throw YAMLError(.nonScalarKey, "mapping keys must be scalars, found \(node.kindName)",
                                    at: aliasMark ?? node.mark)
                }
                if let first = seen[s.value] {
                    throw YAMLError(.duplicateKey,
                                    "duplicate key '\(s.value)' (first defined at line \(first.line), column \(first.column))",
                                    at: aliasMark ?? node.mark)
                }
                seen[s.value] = node.mark
                stack.append(.mapping(pairs, size: total + size, pendingKey: node, seen: seen, anchor: a, tag: t, m))
            }
        }
    }
}
