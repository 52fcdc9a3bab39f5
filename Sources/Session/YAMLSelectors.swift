import Foundation
import Project
import Yams

/// dbt's `selectors.yml`: named selections, used with `--selector name`. A definition is a
/// selector string (`tag:nightly+`), a `{method, value, parents, children, parents_depth,
/// children_depth}` mapping, a `union:` or `intersection:` of definitions, with `exclude:` in a union.
/// Each becomes rops' --select / --exclude strings (a union is space-separated terms, an
/// intersection comma-joined atoms).
enum YAMLSelectors {
    static func resolve(_ name: String, projectRoot: String) throws -> (select: [String], exclude: [String]) {
        let path = projectRoot + "/selectors.yml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw SessionError("--selector \(name): there is no selectors.yml in \(projectRoot)")
        }
        let document = try YAMLDocument.load(path, displayPath: "selectors.yml")
        let entries = document.root?.mapping?["selectors"]?.sequence ?? []
        guard let entry = entries.first(where: { $0.mapping?["name"]?.string == name }), let definition = entry.mapping?["definition"] else {
            let names = entries.compactMap { $0.mapping?["name"]?.string }
            var message = "--selector \(name): selectors.yml has no selector of that name"
            if let suggestion = closest(name, among: names) { message += "; did you mean '\(suggestion)'?" }
            throw SessionError(message)
        }
        var select: [String] = [], exclude: [String] = []
        try union(definition, document, into: &select, exclude: &exclude)
        return (select, exclude)
    }

    private static func union(_ node: Node, _ document: YAMLDocument, into select: inout [String], exclude: inout [String]) throws {
        if let items = node.mapping?["union"]?.sequence {
            for item in items {
                if let excluded = item.mapping?["exclude"]?.sequence {
                    for e in excluded { exclude.append(try atom(e, document)) }
                } else {
                    try union(item, document, into: &select, exclude: &exclude)
                }
            }
        } else {
            select.append(try atom(node, document))
        }
    }

    /// One term: a string, a method mapping, or an intersection of those.
    private static func atom(_ node: Node, _ document: YAMLDocument) throws -> String {
        if let text = node.string { return text }
        guard let fields = node.mapping else { throw document.error(node, "a selector definition is a string or a mapping") }
        if let items = fields["intersection"]?.sequence {
            return try items.map { try atom($0, document) }.joined(separator: ",")
        }
        if fields["union"] != nil { throw document.error(node, "a union inside an intersection is not supported; write the union at the top") }
        guard let method = fields["method"]?.string, let value = fields["value"]?.string else {
            throw document.error(node, "a selector definition needs `method:` and `value:` (or union:/intersection:)")
        }
        var text = (method == "fqn" ? "" : method + ":") + value
        if fields["parents"]?.bool == true || fields["parents_depth"] != nil { text = (fields["parents_depth"]?.int.map(String.init) ?? "") + "+" + text }
        if fields["children"]?.bool == true || fields["children_depth"] != nil { text += "+" + (fields["children_depth"]?.int.map(String.init) ?? "") }
        if fields["childrens_parents"]?.bool == true { text = "@" + text }
        return text
    }
}
