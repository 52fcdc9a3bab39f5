import Build
import Foundation
import Project
import Template

/// dbt's unit tests (`unit_tests:`): a model run on given rows instead of its inputs, its result
/// compared with the expected rows. When the test runs, each input becomes a temporary table with
/// the real input's column types (so, as in dbt, the inputs must exist: build them first), filled
/// with bound parameters; the model renders with `ref`/`source` pointing at those tables; the
/// failing rows are the difference, both ways, over the expected columns.
struct UnitTestBuilder {
    let compiler: ProjectCompiler
    let spec: UnitTestSpec
    let model: CompiledModel

    func test() -> DataTest {
        var test = DataTest(name: TestCompiler.sanitise(spec.name), kind: "unit", testName: spec.name, attachedTo: model.uniqueId,
                            column: nil, dependsOn: [model.uniqueId], sql: "-- unit test \(spec.name) of \(model.name): rendered when it runs",
                            file: spec.file, line: spec.line, severity: "error", errorIf: try! Threshold("!=0"),
                            warnIf: try! Threshold("!=0"), limit: nil, storeFailures: false, auditSchema: model.schema + "_audit",
                            tags: model.config.tags)
        let builder = self
        test.runtime = DataTest.RuntimeSQL { runQuery in try builder.sql(runQuery) }
        return test
    }

    private var tag: String { String(TestCompiler.hash(spec.file + ":" + spec.name).prefix(10)) }

    func sql(_ run: @escaping QueryRunner) throws -> String {
        var inputs: [String: String] = [:]
        for (index, input) in spec.given.enumerated() {
            let table = "rops_unit_\(tag)_\(index)"
            let key = try inputKey(input.input)
            try fill(table, input: input, key: key, run)
            inputs[key] = table
        }
        let rendered = try compiler.renderUnitTest(model, inputs: inputs, vars: spec.vars, isIncremental: spec.isIncremental, runQuery: run)
        let actual = "rops_unit_\(tag)_actual", expected = "rops_unit_\(tag)_expected"
        _ = try run("drop table if exists pg_temp.\(actual)", [])
        _ = try run("create temporary table \(actual) as select * from (\n\(SQLCleanup.trimSemicolons(rendered))\n) as rops_unit_model", [])
        let actualColumns = try columns(of: actual, run)
        let rows = try self.rows(spec.expectRows, format: spec.expectFormat, what: "expect")
        let names = rows.first.map { Array($0.keys) } ?? actualColumns.map(\.name)
        let typed = try names.sorted().map { name -> (name: String, type: String) in
            guard let column = actualColumns.first(where: { $0.name == name }) else {
                throw ProjectError(file: spec.file, line: spec.line,
                                   message: "unit test '\(spec.name)' expects a column '\(name)' that \(model.name) does not return (it returns \(actualColumns.map(\.name).joined(separator: ", ")))")
            }
            return column
        }
        try create(expected, columns: typed, rows: rows, run)
        let list = typed.map { Relation.quotedName($0.name) }.joined(separator: ", ")
        return """
            (select 'expected, not returned' as rops_unit_diff, \(list) from \(expected)
             except all select 'expected, not returned', \(list) from \(actual))
            union all
            (select 'returned, not expected', \(list) from \(actual)
             except all select 'returned, not expected', \(list) from \(expected))
            """
    }

    /// `ref('x')` → `ref:x`, `source('s', 't')` → `source:s.t`, `this`.
    private func inputKey(_ written: String) throws -> String {
        if written == "this" { return "this" }
        let quoted = (try? NSRegularExpression(pattern: #"['"]([^'"]+)['"]"#))!
        let arguments = quoted.matches(in: written, range: NSRange(written.startIndex..., in: written))
            .map { String(written[Range($0.range(at: 1), in: written)!]) }
        if written.hasPrefix("ref("), let name = arguments.last { return "ref:" + name }
        if written.hasPrefix("source("), arguments.count == 2 { return "source:\(arguments[0]).\(arguments[1])" }
        throw ProjectError(file: spec.file, line: spec.line, message: "unit test '\(spec.name)': input '\(written)' is not ref('…'), source('…', '…') or this")
    }

    /// The relation whose column types an input takes.
    private func relation(for key: String) -> String? {
        if key == "this" { return model.relation }
        if key.hasPrefix("ref:") {
            let name = String(key.dropFirst(4))
            return compiler.relationsByNode[NodeID.model(name)] ?? compiler.relationsByNode[NodeID.seed(name)]
        }
        let parts = key.dropFirst("source:".count).split(separator: ".", maxSplits: 1).map(String.init)
        return compiler.project.sources.first { $0.sourceName == parts.first && $0.name == parts.last }.map(compiler.sourceRelationName)
    }

    private func fill(_ table: String, input: UnitTestSpec.Input, key: String, _ run: QueryRunner) throws {
        _ = try run("drop table if exists pg_temp.\(table)", [])
        if input.format == "sql" {
            _ = try run("create temporary table \(table) as \(input.rows.stringValue ?? "")", [])
            return
        }
        guard let relation = relation(for: key), let found = try? columns(of: relation, run), !found.isEmpty else {
            throw ProjectError(file: spec.file, line: spec.line,
                               message: "unit test '\(spec.name)': \(input.input) must exist in the database to give its rows their column types; build it first (rops build --select +\(model.name)), or give the rows as `format: sql`")
        }
        try create(table, columns: found, rows: try rows(input.rows, format: input.format, what: input.input), run)
    }

    private func create(_ table: String, columns: [(name: String, type: String)], rows: [[String: Value]], _ run: QueryRunner) throws {
        _ = try run("drop table if exists pg_temp.\(table)", [])
        _ = try run("create temporary table \(table) (\(columns.map { "\(Relation.quotedName($0.name)) \($0.type)" }.joined(separator: ", ")))", [])
        let placeholders = columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        for row in rows {
            for key in row.keys where !columns.contains(where: { $0.name == key }) {
                throw ProjectError(file: spec.file, line: spec.line,
                                   message: "unit test '\(spec.name)': a row names the column '\(key)', which is not one of \(columns.map(\.name).joined(separator: ", "))")
            }
            let values: [String?] = columns.map { column in
                guard let value = row[column.name], !value.isNone else { return nil }
                if case .bool(let b) = value { return b ? "true" : "false" }
                return value.displayString
            }
            _ = try run("insert into \(table) values (\(placeholders))", values)
        }
    }

    /// Rows as written: a list of mappings (dict) or CSV text with a header.
    private func rows(_ value: Value, format: String, what: String) throws -> [[String: Value]] {
        switch format {
        case "csv":
            let lines = (value.stringValue ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) else { return [] }
            return lines.dropFirst().map { line in
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                var row: [String: Value] = [:]
                for (name, field) in zip(header, fields) { row[name] = field.isEmpty || field.lowercased() == "null" ? Value.none : .string(field) }
                return row
            }
        case "dict":
            return (value.iterationItems() ?? []).map { item in
                guard case .dict(let d) = item else { return [:] }
                var row: [String: Value] = [:]
                for (key, value) in d.pairs { row[key.displayString] = value }
                return row
            }
        default:
            throw ProjectError(file: spec.file, line: spec.line, message: "unit test '\(spec.name)': \(what) has format '\(format)'; use dict, csv or sql")
        }
    }

    private func columns(of relation: String, _ run: QueryRunner) throws -> [(name: String, type: String)] {
        let table = try run("""
            select a.attname::text, format_type(a.atttypid, a.atttypmod) from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum
            """, [relation])
        return QueryTableShape.rows(table).compactMap { items in
            items.count == 2 ? (items[0].stringValue ?? "", items[1].stringValue ?? "text") : nil
        }
    }
}
