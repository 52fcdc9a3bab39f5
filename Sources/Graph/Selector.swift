import Foundation

/// dbt's node selection: `-s "a +b c+2 tag:nightly,config.materialized:table path:models/staging"`.
/// Space-separated terms are a union; comma-separated atoms within a term, an intersection.
public struct Selector: Sendable, Equatable {
    struct Atom: Equatable {
        var method: String
        var value: String
        var parents: Int?      // nil: none; Int.max: all
        var children: Int?
        var childrenAndTheirParents = false  // the `@` operator
        var text = ""
    }

    let terms: [[Atom]]

    public init(_ expressions: [String]) throws {
        var terms: [[Atom]] = []
        for expression in expressions {
            for term in expression.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
                terms.append(try term.split(separator: ",").map { try Self.parseAtom(String($0)) })
            }
        }
        self.terms = terms
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// The atoms, as written, that match no node of any kind in `graph`: a typo, or a node that was
    /// renamed. (An atom that matches only nodes of another resource type is not unmatched.)
    /// Methods whose matches depend on a previous run (dbt's `state:`, `result:`) must be exempt
    /// when they are added: an empty set is their normal answer.
    public func unmatched(in graph: DependencyGraph) -> [String] {
        terms.joined().filter { atom in !Self.stateMethods.contains(atom.method) && !graph.nodes.values.contains { Self.matches(atom, $0) } }
            .map(\.text)
    }

    /// Methods answered from a previous run's artifacts (`--state DIR`): `state:modified`,
    /// `state:new`, `result:error`, `source_status:fresher`.
    static let stateMethods: Set<String> = ["state", "result", "source_status"]

    /// The state selectors used (`state:modified.body`, …), as `method:value`.
    public var stateSelectors: [String] {
        terms.joined().filter { Self.stateMethods.contains($0.method) }.map { "\($0.method):\($0.value)" }
    }

    static let methods: Set<String> = ["name", "tag", "path", "config.materialized", "resource_type", "source", "fqn",
                                       "file", "test_type", "test_name", "package", "config.schema", "config.tags",
                                       "state", "result", "source_status"]

    static func parseAtom(_ text: String) throws -> Atom {
        var body = Substring(text)
        var atom = Atom(method: "", value: "", parents: nil, children: nil)
        atom.text = text
        if body.hasPrefix("@") { atom.childrenAndTheirParents = true; body = body.dropFirst() }
        // Leading `N+` or `+`.
        var index = body.startIndex
        while index < body.endIndex, body[index].isNumber { index = body.index(after: index) }
        if index < body.endIndex, body[index] == "+" {
            let digits = body[..<index]
            atom.parents = digits.isEmpty ? Int.max : Int(digits) ?? Int.max
            body = body[body.index(after: index)...]
        }
        // Trailing `+` or `+N`.
        if let plus = body.lastIndex(of: "+") {
            let digits = body[body.index(after: plus)...]
            if digits.allSatisfy(\.isNumber) {
                atom.children = digits.isEmpty ? Int.max : Int(digits)!
                body = body[..<plus]
            }
        }
        guard !body.isEmpty else { throw GraphError(message: "empty selector in '\(text)'", file: nil) }
        if let colon = body.firstIndex(of: ":") {
            atom.method = String(body[..<colon])
            atom.value = String(body[body.index(after: colon)...])
            guard methods.contains(atom.method) else {
                throw GraphError(message: "unknown selector method '\(atom.method):' in '\(text)'; use one of \(methods.sorted().joined(separator: ", "))", file: nil)
            }
        } else {
            atom.method = ""
            atom.value = String(body)
        }
        return atom
    }

    /// The ids selected in `graph`, restricted to `resourceTypes`.
    /// `state`: the ids each state selector (`state:modified`, …) matches, from `--state`.
    public func select(in graph: DependencyGraph, resourceTypes: Set<ResourceType> = [.model],
                       state: [String: Set<String>] = [:]) -> Set<String> {
        var result: Set<String> = []
        for term in terms {
            var termResult: Set<String>?
            for atom in term {
                let matched = Self.expand(atom, in: graph, state: state)
                termResult = termResult.map { $0.intersection(matched) } ?? matched
            }
            result.formUnion(termResult ?? [])
        }
        return result.filter { graph.nodes[$0].map { resourceTypes.contains($0.resourceType) } ?? false }
    }

    static func expand(_ atom: Atom, in graph: DependencyGraph, state: [String: Set<String>] = [:]) -> Set<String> {
        let base = stateMethods.contains(atom.method) ? (state["\(atom.method):\(atom.value)"] ?? []).intersection(graph.nodes.keys)
            : Set(graph.nodes.values.filter { matches(atom, $0) }.map(\.id))
        var result = base
        for id in base {
            if let depth = atom.parents { result.formUnion(graph.ancestors(of: id, depth: depth == Int.max ? nil : depth)) }
            if let depth = atom.children { result.formUnion(graph.descendants(of: id, depth: depth == Int.max ? nil : depth)) }
            if atom.childrenAndTheirParents {
                let descendants = graph.descendants(of: id)
                result.formUnion(descendants)
                for d in descendants { result.formUnion(graph.ancestors(of: d)) }
            }
        }
        return result
    }

    static func matches(_ atom: Atom, _ node: GraphNode) -> Bool {
        let value = atom.value
        switch atom.method {
        case "tag", "config.tags": return node.tags.contains { glob(value, $0) }
        case "path", "file":
            let cleaned = value.hasSuffix("/") ? String(value.dropLast()) : value
            return glob(cleaned, node.path) || node.path.hasPrefix(cleaned + "/") || URL(fileURLWithPath: node.path).lastPathComponent == value
        case "config.materialized": return node.materialized == value
        case "resource_type": return node.resourceType.rawValue == value
        case "source":
            guard node.resourceType == .source else { return false }
            let parts = node.id.split(separator: ".").dropFirst().map(String.init)  // [source, table]
            return glob(value, parts.joined(separator: ".")) || glob(value, parts.first ?? "")
        case "name": return glob(value, node.name)
        case "fqn", "": return glob(value, node.name) || fqnMatches(value, node.fqn) || (atom.method.isEmpty && value.contains("/") && matches(Atom(method: "path", value: value), node))
        default: return false
        }
    }

    /// `staging` or `project.staging.sub` selects everything under that folder.
    static func fqnMatches(_ value: String, _ fqn: [String]) -> Bool {
        let parts = value.split(separator: ".").map(String.init)
        guard !parts.isEmpty else { return false }
        func prefix(_ list: [String]) -> Bool {
            parts.count <= list.count && zip(parts, list).allSatisfy { glob($0, $1) }
        }
        return prefix(fqn) || prefix(Array(fqn.dropFirst()))
    }

    /// Shell-style `*` and `?` matching.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") || pattern.contains("?") else { return pattern == text }
        return fnmatch(pattern, text, 0) == 0
    }
}

extension Selector.Atom {
    init(method: String, value: String) { self.init(method: method, value: value, parents: nil, children: nil) }
}
