import Foundation
import Template
import Yams

/// YAML read with positions, so every complaint names the file and line.
/// A parsed YAML file that reports problems with its file, line and column.
public struct YAMLDocument {
    public let path: String
    public let root: Node?

    public static func load(_ path: String, displayPath: String) throws -> YAMLDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProjectError(file: displayPath, message: "cannot read the file")
        }
        do {
            return YAMLDocument(path: displayPath, root: try Yams.compose(yaml: String(decoding: data, as: UTF8.self)))
        } catch let error as YamlError {
            throw ProjectError(file: displayPath, line: error.line, column: error.column, message: "invalid YAML: \(error.summary)")
        }
    }

    public func error(_ node: Node?, _ message: String) -> ProjectError {
        ProjectError(file: path, line: node?.mark.map { $0.line }, column: node?.mark.map { $0.column }, message: message)
    }

    /// The entries of a mapping node, in order; throws when `node` is not a mapping.
    func mapping(_ node: Node?, _ what: String) throws -> [(key: String, keyNode: Node, value: Node)] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" { return [] }
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping") }
        return mapping.map { (key: $0.key.string ?? "", keyNode: $0.key, value: $0.value) }
    }

    func sequence(_ node: Node?, _ what: String) throws -> [Node] {
        guard let node else { return [] }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "null" { return [] }
        guard let sequence = node.sequence else { throw error(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node?, _ what: String) throws -> String? {
        guard let node else { return nil }
        guard case .scalar(let scalar) = node else { throw error(node, "\(what) must be a text value") }
        return scalar.string
    }

    /// Rejects keys outside `allowed`, suggesting the closest one (typos must not pass silently).
    func checkKeys(_ entries: [(key: String, keyNode: Node, value: Node)], allowed: Set<String>, in what: String) throws {
        for entry in entries where !allowed.contains(entry.key) {
            var message = "unknown key '\(entry.key)' in \(what)"
            if let suggestion = closest(entry.key, among: allowed) { message += "; did you mean '\(suggestion)'?" }
            throw error(entry.keyNode, message)
        }
    }
}

/// YAML scalars and collections as template values (for vars, config and test arguments): the one
/// conversion every YAML input goes through, `--vars` included.
public enum YAMLValue {
    public static func value(_ node: Node) -> Value {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                let text = scalar.string
                switch text {
                case "null", "Null", "NULL", "~", "": return .none
                case "true", "True", "TRUE", "yes", "Yes": return .bool(true)
                case "false", "False", "FALSE", "no", "No": return .bool(false)
                default:
                    if let i = Int(text) { return .int(i) }
                    if let d = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(d) }
                }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .list(sequence.map(value))
        case .mapping(let mapping):
            let box = DictBox()
            for (key, item) in mapping { box.set(key.string ?? "", value(item)) }
            return .dict(box)
        case .alias:
            return .none
        }
    }
}

/// The name in `candidates` nearest to `name` by edit distance, if it is close enough to be a typo.
public func closest(_ name: String, among candidates: some Sequence<String>) -> String? {
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(name.lowercased(), candidate.lowercased())
        if distance <= max(2, name.count / 3), distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var previous = Array(0...y.count)
    for i in 1...x.count {
        var current = [i] + Array(repeating: 0, count: y.count)
        for j in 1...y.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[y.count]
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default: return nil
        }
    }

    var column: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.column
        default: return nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return [context?.description, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        default: return "\(self)"
        }
    }
}
