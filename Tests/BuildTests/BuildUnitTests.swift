@testable import Build
import Foundation
import PostgresClient
import Template
import TestSupport
import XCTest

/// The runner's helpers: model SQL made fit to wrap, and query results as the agate tables that
/// dbt's `run_query` returns, read from a real PostgreSQL.
final class BuildUnitTests: XCTestCase {
    func testTrailingSemicolonsAndSpaceGoBeforeTheSQLIsWrapped() {
        let cases = [("select 1;", "select 1"), ("select 1 ;; \n", "select 1"), ("\n select 1", "select 1"),
                     ("select ';'", "select ';'"), (";", ""), ("", ""), ("select 1; -- done", "select 1; -- done")]
        for (input, expected) in cases { XCTAssertEqual(SQLCleanup.trimSemicolons(input), expected, input) }
    }

    func testQueryValuesKeepTheirTypes() {
        func shown(_ value: PostgresValue) -> String {
            switch QueryTable.value(value) {
            case .none: return "none"
            case .bool(let b): return "bool \(b)"
            case .int(let i): return "int \(i)"
            case .double(let d): return "double \(d)"
            case .string(let s): return "string \(s)"
            default: return "other"
            }
        }
        XCTAssertEqual([.null, .bool(true), .int(42), .numeric("12"), .numeric("1.50"), .text("x")].map(shown),
                       ["none", "bool true", "int 42", "int 12", "double 1.5", "string x"])
    }

    func testRunQueryGivesAnAgateTableOfARealResult() throws {
        let connection = try TestDatabase.connect()
        let table = try QueryTable.runner(connection)("select 1 as id, 'a' as name union all select 2, null order by id", [])
        let rendered = try Template(source: "{% for row in t.rows %}{{ row.id }}:{{ row['name'] }};{% endfor %}|{{ t.column_names | join(',') }}"
                                    + "|{{ t.columns['id'].values() | join('+') }}|{{ t.columns[1].values()[0] }}")
            .render(["t": table])
        XCTAssertEqual(rendered, "1:a;2:None;|id,name|1+2|a")
    }
}
