import Foundation
import Yams

/// The top of `project.yml`: what connection resolution needs. (Model configuration is read by the
/// project loader.)
public struct ProjectFile: Sendable {
    public let path: String
    public let name: String
    public let connection: ConnectionProfile?

    static let connectionKeys: Set<String> = ["url", "host", "hostaddr", "port", "user", "password", "dbname",
                                              "sslmode", "sslrootcert", "connect_timeout", "options", "application_name"]

    /// Reads `<root>/project.yml`; nil when the folder has none.
    public static func load(projectRoot: String) throws -> ProjectFile? {
        let path = projectRoot + "/project.yml"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ProjectError(file: path, line: error.line, column: error.column, message: error.summary)
        }
        guard let mapping = node?.mapping else {
            throw ProjectError(file: path, line: 1, message: "expected a mapping with at least `name:`")
        }
        guard let name = mapping["name"]?.string, !name.isEmpty else {
            throw ProjectError(file: path, line: 1, message: "missing `name:` (the project's name)")
        }
        return ProjectFile(path: path, name: name, connection: try parseConnection(mapping["connection"], path: path))
    }

    static func parseConnection(_ node: Node?, path: String) throws -> ConnectionProfile? {
        guard let node else { return nil }
        if let url = node.string { return ConnectionProfile(url: url, keywords: []) }
        guard let mapping = node.mapping else {
            throw ProjectError(file: path, line: node.mark.map { $0.line }, message: "`connection:` must be a URL or a mapping")
        }
        var profile = ConnectionProfile(url: nil, keywords: [])
        for (keyNode, valueNode) in mapping {
            let key = keyNode.string ?? ""
            guard connectionKeys.contains(key) else {
                throw ProjectError(file: path, line: keyNode.mark.map { $0.line },
                                   message: "unknown connection key `\(key)`; expected one of \(connectionKeys.sorted().joined(separator: ", "))")
            }
            let value = valueNode.string ?? ""
            if key == "url" { profile.url = value } else { profile.keywords.append((key, value)) }
        }
        return profile
    }
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
