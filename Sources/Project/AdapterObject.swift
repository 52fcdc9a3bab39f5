import Foundation
import Template

/// dbt's `adapter` for PostgreSQL in one render. Without a database (compiling, or dbt's parse
/// phase) the catalog methods answer as dbt-core does while parsing: no columns, no relation. When a
/// node is rendered to run, they read the catalog with bound parameters.
struct AdapterObject {
    let database: QueryRunner?
    let targetDatabase: String?
    let dispatch: (String, String?) throws -> Value

    func make() -> Value {
        .object(ObjectBox(typeName: "Adapter", attributes: [
            "dispatch": .function(Function(name: "dispatch") { a in
                guard let name = a.value(0, "macro_name")?.stringValue else { throw HostError("adapter.dispatch() takes a macro name") }
                if name.contains(".") {
                    let parts = name.split(separator: ".", maxSplits: 1)
                    throw HostError("In adapter.dispatch, got a macro name of \"\(name)\", but \".\" is not a valid macro name component. Did you mean `adapter.dispatch(\"\(parts[1])\", macro_namespace=\"\(parts[0])\")`?")
                }
                return try dispatch(name, a.value(1, "macro_namespace")?.stringValue)
            }),
            "quote": .function(Function(name: "quote") { a in
                guard let identifier = a.positional.first?.stringValue else { throw HostError("adapter.quote() takes an identifier") }
                return .string(Relation.quoted(identifier))
            }),
            "quote_as_configured": .function(Function(name: "quote_as_configured") { a in
                // PostgreSQL's quoting policy quotes database, schema and identifier.
                guard let identifier = a.positional.first?.stringValue else { throw HostError("adapter.quote_as_configured() takes an identifier") }
                return .string(Relation.quoted(identifier))
            }),
            "quote_seed_column": .function(Function(name: "quote_seed_column") { a in
                let column = a.positional.first?.stringValue ?? ""
                let quote = a.value(1, "quote_config")
                return .string(quote == nil || quote!.isNone || quote!.truthy ? Relation.quoted(column) : column)
            }),
            "type": .function(Function(name: "type") { _ in .string("postgres") }),
            "get_columns_in_relation": .function(Function(name: "get_columns_in_relation") { a in
                guard let relation = a.value(0, "relation") else { throw HostError("adapter.get_columns_in_relation() takes a relation") }
                return .list(try columns(of: relation))
            }),
            "get_missing_columns": .function(Function(name: "get_missing_columns") { a in
                guard let from = a.value(0, "from_relation"), let to = a.value(1, "to_relation") else {
                    throw HostError("adapter.get_missing_columns() takes two relations")
                }
                let present = Set(try columns(of: to).compactMap { Self.attribute($0, "name")?.lowercased() })
                return .list(try columns(of: from).filter { !present.contains(Self.attribute($0, "name")?.lowercased() ?? "") })
            }),
            "get_relation": .function(Function(name: "get_relation") { a in
                try relation(database: a.value(0, "database")?.stringValue, schema: a.value(1, "schema")?.stringValue,
                             identifier: a.value(2, "identifier")?.stringValue)
            }),
            "load_relation": .function(Function(name: "load_relation") { a in
                guard let given = a.value(0, "relation") else { throw HostError("adapter.load_relation() takes a relation") }
                return try relation(database: Self.attribute(given, "database"), schema: Self.attribute(given, "schema"),
                                    identifier: Self.attribute(given, "identifier"))
            }),
            "already_exists": .function(Function(name: "already_exists") { a in
                .bool(!(try relation(database: nil, schema: a.value(0, "schema")?.stringValue,
                                     identifier: a.value(1, "name")?.stringValue)).isNone)
            }),
            "check_schema_exists": .function(Function(name: "check_schema_exists") { a in
                guard let database, let schema = a.value(1, "schema")?.stringValue else { return .bool(false) }
                let table = try database("select 1 from pg_catalog.pg_namespace where nspname = $1", [schema])
                return .bool(!(Self.rows(table).isEmpty))
            }),
            "drop_relation": .function(Function(name: "drop_relation") { a in
                guard let database, let given = a.value(0, "relation") else { return .none }
                let kind = Self.attribute(given, "type") == "view" ? "view" : Self.attribute(given, "type") == "materialized_view" ? "materialized view" : "table"
                _ = try database("drop \(kind) if exists \(Self.render(given)) cascade", [])
                return .none
            }),
            "drop_schema": .function(Function(name: "drop_schema") { a in
                guard let database, let given = a.value(0, "relation"), let schema = Self.attribute(given, "schema") else { return .none }
                _ = try database("drop schema if exists \(Relation.quoted(schema)) cascade", [])
                return .none
            }),
            "create_schema": .function(Function(name: "create_schema") { a in
                guard let database, let given = a.value(0, "relation"), let schema = Self.attribute(given, "schema") else { return .none }
                _ = try database("create schema if not exists \(Relation.quoted(schema))", [])
                return .none
            }),
            "rename_relation": .function(Function(name: "rename_relation") { a in
                guard let database, let from = a.value(0, "from_relation"), let to = a.value(1, "to_relation") else { return .none }
                let kind = Self.attribute(from, "type") == "view" ? "view" : "table"
                _ = try database("alter \(kind) \(Self.render(from)) rename to \(Relation.quoted(Self.attribute(to, "identifier") ?? ""))", [])
                return .none
            }),
            "execute": .function(Function(name: "execute") { a in
                guard let database, let sql = a.value(0, "sql")?.stringValue else { return .tuple([.none, .none]) }
                let table = try database(sql, [])
                let fetch = a.value(2, "fetch")?.truthy ?? false
                return .tuple([Self.response(table), fetch ? table : QueryTableShape.empty])
            }),
            "commit": .function(Function(name: "commit") { _ in .none }),
            "expand_target_column_types": .function(Function(name: "expand_target_column_types") { _ in .none }),
        ]))
    }

    /// dbt's adapter response: `code`, `rows_affected`, `_message`.
    static func response(_ table: Value) -> Value {
        guard case .object(let box) = table else { return .none }
        return .object(ObjectBox(typeName: "AdapterResponse", attributes: [
            "code": box.attributes["code"] ?? .string(""), "rows_affected": box.attributes["rows_affected"] ?? .int(-1),
            "_message": box.attributes["_message"] ?? .string(""),
        ], rendered: box.attributes["_message"]?.stringValue))
    }

    /// The relation at that path with its type (table, view, materialized_view), or none.
    func relation(database name: String?, schema: String?, identifier: String?) throws -> Value {
        guard let database, let schema, let identifier else { return .none }
        let table = try database("""
            select c.relkind::text as kind from pg_catalog.pg_class c
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'f', 'v', 'm')
            """, [schema, identifier])
        guard let kind = Self.rows(table).first?.first?.stringValue else { return .none }
        let type = kind == "v" ? "view" : kind == "m" ? "materialized_view" : "table"
        return Relation.object(Relation.Path(database: name ?? targetDatabase, schema: schema, identifier: identifier), type: type)
    }

    /// The columns of a relation, in order, as dbt-postgres' `Column` objects.
    func columns(of relation: Value) throws -> [Value] {
        guard let database, let identifier = Self.attribute(relation, "identifier") else { return [] }
        var sql = """
            select column_name::text, data_type::text, character_maximum_length::int, numeric_precision::int, numeric_scale::int
            from information_schema.columns where table_name = $1
            """
        var parameters: [String?] = [identifier]
        if let schema = Self.attribute(relation, "schema"), !schema.isEmpty {
            sql += " and table_schema = $2"
            parameters.append(schema)
        }
        return Self.rows(try database(sql + " order by ordinal_position", parameters)).map { row in
            ColumnObject.make(name: row[0].stringValue ?? "", dtype: row[1].stringValue ?? "", charSize: row[2].intValue,
                              precision: row[3].intValue, scale: row[4].intValue)
        }
    }

    static func rows(_ table: Value) -> [[Value]] { QueryTableShape.rows(table) }

    static func attribute(_ value: Value, _ name: String) -> String? {
        guard case .object(let box) = value else { return nil }
        return box.attributes[name]?.stringValue
    }

    static func render(_ value: Value) -> String {
        if case .object(let box) = value, let text = box.rendered { return text }
        return value.stringValue ?? ""
    }
}

/// Agate-like tables as `run_query` returns them (Build's QueryTable makes them).
public enum QueryTableShape {
    /// The values of each row of `table`, in column order.
    public static func rows(_ table: Value) -> [[Value]] {
        guard case .object(let box) = table, case .list(let rows)? = box.attributes["rows"] else { return [] }
        return rows.items.map { row in
            if case .object(let r) = row { return r.iterable ?? [] }
            return []
        }
    }

    /// An empty table, for `adapter.execute(..., fetch=False)`.
    static var empty: Value {
        .object(ObjectBox(typeName: "Table", attributes: [
            "rows": .list([]), "columns": .object(ObjectBox(typeName: "MappedSequence", iterable: [])), "column_names": .tuple([]),
        ], iterable: []))
    }
}

/// dbt-postgres' `Column`: `name`, `quoted`, `dtype`, `data_type` (with size or precision),
/// `is_string()`, `is_number()`, … .
enum ColumnObject {
    static let stringTypes: Set<String> = ["text", "character varying", "character", "varchar"]
    static let floatTypes: Set<String> = ["real", "float4", "float", "double precision", "float8", "double"]
    static let integerTypes: Set<String> = ["smallint", "integer", "bigint", "smallserial", "serial", "bigserial",
                                            "int2", "int4", "int8", "serial2", "serial4", "serial8"]

    static func make(name: String, dtype: String, charSize: Int? = nil, precision: Int? = nil, scale: Int? = nil) -> Value {
        let lower = dtype.lowercased()
        let isString = stringTypes.contains(lower), isNumeric = lower == "numeric" || lower == "decimal"
        let isFloat = floatTypes.contains(lower), isInteger = integerTypes.contains(lower)
        let dataType: String
        if lower == "text" || (lower == "character varying" && charSize == nil) {
            dataType = dtype
        } else if isString {
            dataType = "character varying(\(charSize ?? 256))"
        } else if isNumeric, let precision, let scale {
            dataType = "\(dtype)(\(precision),\(scale))"
        } else {
            dataType = dtype
        }
        func flag(_ value: Bool, _ name: String) -> Value { .function(Function(name: name) { _ in .bool(value) }) }
        let box = ObjectBox(typeName: "Column", attributes: [
            "name": .string(name), "column": .string(name), "quoted": .string("\"\(name)\""), "dtype": .string(dtype),
            "data_type": .string(dataType), "expanded_data_type": .string(dataType),
            "char_size": charSize.map(Value.int) ?? .none, "numeric_precision": precision.map(Value.int) ?? .none,
            "numeric_scale": scale.map(Value.int) ?? .none,
            "is_string": flag(isString, "is_string"), "is_numeric": flag(isNumeric, "is_numeric"), "is_float": flag(isFloat, "is_float"),
            "is_integer": flag(isInteger, "is_integer"), "is_number": flag(isNumeric || isFloat || isInteger, "is_number"),
            "string_size": .function(Function(name: "string_size") { _ in
                guard isString else { throw HostError("Called string_size() on non-string field!") }
                return .int(charSize ?? 256)
            }),
            "literal": .function(Function(name: "literal") { a in .string("\(a.positional.first?.displayString ?? "")::\(dataType)") }),
        ], rendered: "<Column \(name) (\(dataType))>")
        return .object(box)
    }

    /// `api.Column`: `api.Column.create(name, dtype)` and `api.Column(name, dtype)`.
    static var api: Value {
        let box = ObjectBox(typeName: "ColumnClass", attributes: [
            "create": .function(Function(name: "create") { a in
                make(name: a.value(0, "name")?.stringValue ?? "", dtype: a.value(1, "label_or_dtype")?.stringValue ?? "")
            }),
            "string_type": .function(Function(name: "string_type") { a in .string("character varying(\(a.positional.first?.intValue ?? 256))") }),
            "numeric_type": .function(Function(name: "numeric_type") { a in
                let dtype = a.value(0, "dtype")?.stringValue ?? "numeric"
                guard let p = a.value(1, "precision"), let s = a.value(2, "scale"), !p.isNone, !s.isNone else { return .string(dtype) }
                return .string("\(dtype)(\(p.displayString),\(s.displayString))")
            }),
        ])
        box.callable = Function(name: "Column") { a in
            make(name: a.value(0, "column")?.stringValue ?? "", dtype: a.value(1, "dtype")?.stringValue ?? "",
                 charSize: a.value(2, "char_size")?.intValue, precision: a.value(3, "numeric_precision")?.intValue,
                 scale: a.value(4, "numeric_scale")?.intValue)
        }
        return .object(box)
    }
}
