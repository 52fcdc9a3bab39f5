import Foundation
import PostgresClient
import Project
import Template

/// A query result as dbt's `run_query()` returns it, an agate table: `table.rows` (each row indexed
/// by position or column name), `table.columns[0].values()` or `table.columns['name'].values()`,
/// `table.column_names`, and `for row in table`. Values keep their PostgreSQL type (integers,
/// floats, booleans, none for NULL; text otherwise, numeric as exact text turned into a number).
public enum QueryTable {
    /// `run_query` for templates rendered to run on `connection`.
    public static func runner(_ connection: PostgresConnection) -> QueryRunner {
        { sql, parameters in table(try connection.execute(sql, parameters.map { $0 as any PostgresBindable })) }
    }

    static func table(_ result: QueryResult) -> Value {
        let rows: [Value] = result.rows.map { row in
            let values = row.values.map(value)
            return .object(ObjectBox(typeName: "Row", attributes: Dictionary(zip(result.columns, values)) { first, _ in first },
                                     iterable: values))
        }
        let columns: [Value] = result.columns.enumerated().map { position, name in
            let values = result.rows.map { value($0[position]) }
            return .object(ObjectBox(typeName: "Column", attributes: [
                "name": .string(name),
                "values": .function(Function(name: "values") { _ in .tuple(values) }),
            ], iterable: values))
        }
        let columnsObject = ObjectBox(typeName: "MappedSequence",
                                      attributes: Dictionary(zip(result.columns, columns)) { first, _ in first }, iterable: columns)
        // agate's MappedSequence: keys(), values(), items() as well as lookups by name and position.
        columnsObject.attributes["keys"] = .function(Function(name: "keys") { _ in .tuple(result.columns.map(Value.string)) })
        columnsObject.attributes["values"] = .function(Function(name: "values") { _ in .tuple(columns) })
        columnsObject.attributes["items"] = .function(Function(name: "items") { _ in
            .list(zip(result.columns, columns).map { .tuple([.string($0), $1]) })
        })
        return .object(ObjectBox(typeName: "Table", attributes: [
            "rows": .list(rows),
            "columns": .object(columnsObject),
            "column_names": .tuple(result.columns.map { .string($0) }),
            "print_table": .function(Function(name: "print_table") { _ in .none }),
            // What dbt's adapter response says about the statement (`load_result(...)['response']`).
            "rows_affected": result.affectedRows.map(Value.int) ?? .int(-1),
            "code": .string(result.commandTag.split(separator: " ").first.map(String.init) ?? ""),
            "_message": .string(result.commandTag),
        ], iterable: rows))
    }

    static func value(_ value: PostgresValue) -> Value {
        switch value {
        case .null: return .none
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(Int(i))
        case .double(let d): return .double(d)
        case .numeric(let text): return Int(text).map(Value.int) ?? Double(text).map(Value.double) ?? .string(text)
        case .text(let text): return .string(text)
        case .bytes: return .string(value.string ?? "")
        }
    }
}
