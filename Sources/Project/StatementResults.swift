import Foundation
import Template

/// dbt's `{% call statement('name', fetch_result=True) %} … {% endcall %}` and `load_result('name')`
/// for one render. The block runs only when a database is there (`execute`); what it fetched is kept
/// by name: `load_result(name)` gives `response`, `table` (an agate-like table) and `data` (rows).
final class StatementResults {
    private let database: QueryRunner?
    private var results: [String: Value] = [:]

    init(database: QueryRunner?) {
        self.database = database
    }

    var functions: [String: Value] {
        [
            "statement": .function(Function(name: "statement", evaluatorBody: { [self] a, evaluator in
                guard let database else { return .string("") }
                guard case .function(let caller)? = a.keyword.first(where: { $0.0 == "caller" })?.1 else {
                    throw HostError("statement() is a call block: {% call statement('name', fetch_result=True) %} select … {% endcall %}")
                }
                let sql = try caller.call(Arguments(), evaluator)
                let table = try database(sql.stringValue ?? sql.displayString, [])
                if let name = a.value(0, "name")?.stringValue {
                    let fetch = a.value(1, "fetch_result")?.truthy ?? false
                    store(name, response: AdapterObject.response(table), table: fetch ? table : QueryTableShape.empty)
                }
                return .string("")
            })),
            "load_result": .function(Function(name: "load_result") { [self] a in
                guard let name = a.value(0, "name")?.stringValue else { throw HostError("load_result() takes a statement's name") }
                return results[name] ?? .none
            }),
            "store_result": .function(Function(name: "store_result") { [self] a in
                guard let name = a.value(0, "name")?.stringValue else { return .string("") }
                store(name, response: a.value(1, "response") ?? .none, table: a.value(2, "agate_table") ?? QueryTableShape.empty)
                return .string("")
            }),
        ]
    }

    private func store(_ name: String, response: Value, table: Value) {
        results[name] = .dict([("response", response), ("table", table), ("data", .list(AdapterObject.rows(table).map { .tuple($0) }))])
    }
}
