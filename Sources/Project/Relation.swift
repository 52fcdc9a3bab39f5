import Foundation
import Template

public enum Relation {
    public static func quoted(_ schema: String, _ identifier: String) -> String {
        quoted(schema) + "." + quoted(identifier)
    }

    /// One identifier in double quotes, its own quotes doubled.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func object(schema: String, identifier: String, type: String, rendered: String? = nil) -> Value {
        .object(ObjectBox(typeName: "Relation", attributes: [
            "schema": .string(schema), "identifier": .string(identifier), "name": .string(identifier),
            "table": .string(identifier), "database": .string(""), "type": .string(type),
        ], rendered: rendered ?? quoted(schema, identifier)))
    }
}
