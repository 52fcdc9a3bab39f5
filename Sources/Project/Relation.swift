import Foundation
import Template

/// Relations as SQL text (`"schema"."name"`) and as the objects dbt's templates handle (`ref()`,
/// `this`, `api.Relation.create`, `adapter.get_relation`): database, schema and identifier with
/// `include`, `incorporate`, `information_schema`, `is_table`, … . Two relations with the same path
/// are equal and hashable, as in dbt, so packages can put them in sets and compare them.
public enum Relation {
    public static func quoted(_ schema: String, _ identifier: String) -> String {
        quoted(schema) + "." + quoted(identifier)
    }

    /// One identifier in double quotes, its own quotes doubled.
    public static func quotedName(_ identifier: String) -> String { quoted(identifier) }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `"database"."schema"."name"` (parts that are nil or left out skipped), as dbt-postgres renders.
    static func render(database: String?, schema: String?, identifier: String?) -> String {
        [database, schema, identifier].compactMap { part in part.flatMap { $0.isEmpty ? nil : quoted($0) } }.joined(separator: ".")
    }

    /// `"schema"."name"` of a rendered relation, whether or not it names its database.
    public static func withoutDatabase(_ rendered: String) -> String {
        let parts = splitQuoted(rendered)
        guard parts.count == 3 else { return rendered }
        return quoted(parts[1], parts[2])
    }

    /// The parts of `"a"."b"."c"` (quotes removed); nil parts for anything else.
    /// The parts of `"a"."b"."c"`, unquoted.
    public static func parts(_ text: String) -> [String] { splitQuoted(text) }

    static func splitQuoted(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if character == "\"" {
                if inQuotes, characters.first == "\"" { current.append("\""); characters.removeFirst(); continue }
                inQuotes.toggle()
            } else if character == "." && !inQuotes {
                parts.append(current); current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    public static func object(schema: String, identifier: String, type: String, rendered: String? = nil, database: String? = nil) -> Value {
        object(Path(database: database, schema: schema, identifier: identifier), type: type, rendered: rendered)
    }

    struct Path {
        var database: String?
        var schema: String?
        var identifier: String?
    }

    /// Which parts print (`include(database=False)` leaves the database out).
    struct Included {
        var database = true, schema = true, identifier = true
    }

    static func object(_ path: Path, type: String?, rendered: String? = nil, included: Included = Included()) -> Value {
        let text = rendered ?? render(database: included.database ? path.database : nil,
                                      schema: included.schema ? path.schema : nil,
                                      identifier: included.identifier ? path.identifier : nil)
        func string(_ s: String?) -> Value { s.map(Value.string) ?? .none }
        let box = ObjectBox(typeName: "Relation", attributes: [
            "database": string(path.database), "schema": string(path.schema), "identifier": string(path.identifier),
            "name": string(path.identifier), "table": string(path.identifier), "type": string(type),
            "is_table": .bool(type == "table"), "is_view": .bool(type == "view"), "is_cte": .bool(type == "cte"),
            "is_materialized_view": .bool(type == "materialized_view"),
            "path": .object(ObjectBox(typeName: "Path", attributes: [
                "database": string(path.database), "schema": string(path.schema), "identifier": string(path.identifier),
            ])),
            "quote_policy": .dict([("database", .bool(true)), ("schema", .bool(true)), ("identifier", .bool(true))]),
            "render": .function(Function(name: "render") { _ in .string(text) }),
            "quote": .function(Function(name: "quote") { _ in object(path, type: type, rendered: rendered, included: included) }),
            "include": .function(Function(name: "include") { a in
                var next = included
                if let d = a.value(0, "database") { next.database = d.truthy }
                if let s = a.value(1, "schema") { next.schema = s.truthy }
                if let i = a.value(2, "identifier") { next.identifier = i.truthy }
                return object(path, type: type, rendered: nil, included: next)
            }),
            "without_identifier": .function(Function(name: "without_identifier") { _ in
                var next = included
                next.identifier = false
                return object(path, type: type, rendered: nil, included: next)
            }),
            "incorporate": .function(Function(name: "incorporate") { a in
                var next = path
                if case .dict(let changes)? = a.value(0, "path") {
                    for (key, value) in changes.pairs {
                        switch key.stringValue {
                        case "database": next.database = value.stringValue
                        case "schema": next.schema = value.stringValue
                        case "identifier": next.identifier = value.stringValue
                        default: break
                        }
                    }
                }
                let nextType = a.value(1, "type").map { $0.stringValue } ?? type
                return object(next, type: nextType, rendered: rendered == nil || next.identifier == path.identifier ? rendered : nil, included: included)
            }),
            "replace_path": .function(Function(name: "replace_path") { a in
                var next = path
                for (key, value) in a.keyword {
                    switch key {
                    case "database": next.database = value.stringValue
                    case "schema": next.schema = value.stringValue
                    case "identifier": next.identifier = value.stringValue
                    default: break
                    }
                }
                return object(next, type: type, included: included)
            }),
            "information_schema": .function(Function(name: "information_schema") { a in
                let view = a.value(0, "view_name")?.stringValue
                let base = render(database: path.database, schema: nil, identifier: nil)
                var text = (base.isEmpty ? "" : base + ".") + "information_schema"
                if let view { text += "." + view }
                return .object(ObjectBox(typeName: "InformationSchema", attributes: [
                    "database": string(path.database), "schema": .string("information_schema"), "identifier": string(view),
                ], rendered: text))
            }),
        ], rendered: text)
        box.attributes["metadata"] = .dict([("type", .string("PostgresRelation"))])
        box.attributes["get"] = .function(Function(name: "get") { [unowned box] a in
            guard let key = a.positional.first?.stringValue else { return .none }
            return box.attributes[key] ?? a.value(1, "default") ?? .none
        })
        box.isMapping = true
        box.identity = [path.database ?? "", path.schema ?? "", path.identifier ?? ""].joined(separator: "\u{0}")
        return .object(box)
    }

    /// dbt's `api.Relation`: `create(database=, schema=, identifier=, type=)` and the ephemeral prefix.
    static var api: Value {
        .object(ObjectBox(typeName: "RelationClass", attributes: [
            "create": .function(Function(name: "create") { a in
                let path = Path(database: a.value(0, "database")?.stringValue,
                                schema: a.value(1, "schema")?.stringValue, identifier: a.value(2, "identifier")?.stringValue)
                return object(path, type: a.value(3, "type")?.stringValue)
            }),
            "add_ephemeral_prefix": .function(Function(name: "add_ephemeral_prefix") { a in
                .string(ProjectCompiler.dbtCTEPrefix + (a.positional.first?.stringValue ?? ""))
            }),
        ]))
    }
}
