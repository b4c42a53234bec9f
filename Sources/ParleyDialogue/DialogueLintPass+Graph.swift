/// Reachability: every state should be reachable from the start state.
extension DialogueLintPass {
    mutating func checkReachability() {
        guard !script.states.isEmpty else { return }
        var reached = Set<Int>([script.startIndex])
        var queue = [script.startIndex]
        let everywhere = (script.globalHandlers + script.sideQuestions).compactMap(gotoIndex)
            + [script.defaults.noMatch?.then, script.defaults.noInput?.then].compactMap { $0.flatMap(gotoIndex) }
        var globalsAdded = false
        while let i = queue.popLast() {
            let state = script.states[i]
            var next: [Int] = state.transitions.compactMap(gotoIndex)
            if let t = state.noMatch?.then, let j = gotoIndex(t) { next.append(j) }
            if let t = state.noInput?.then, let j = gotoIndex(t) { next.append(j) }
            if let exit = state.exit, case .goto(let name) = exit.target, let j = script.indexOfState(name) { next.append(j) }
            if state.listens && !globalsAdded {
                next += everywhere
                globalsAdded = true
            }
            for j in next where reached.insert(j).inserted { queue.append(j) }
        }
        for (i, state) in script.states.enumerated() where !reached.contains(i) {
            report(.warning, .unreachableState, "state '\(state.name)' is unreachable from '\(script.states[script.startIndex].name)'", at: state.mark)
        }
    }

    func gotoIndex(_ t: DialogueTransition) -> Int? {
        if case .goto(let name) = t.target { return script.indexOfState(name) }
        return nil
    }
}
