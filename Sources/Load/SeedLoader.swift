import Foundation
import PostgresClient
import Project
import Template

/// `rops seed`: small reference CSVs into typed tables, replaced atomically, ref-able from models.
public struct SeedLoader {
    public struct Result: Sendable {
        public let name: String
        public let relation: String
        public let rows: Int
        public let columnTypes: [(String, String)]
    }

    let seed: SeedNode
    let schema: String
    let identifier: String
    let projectRoot: String
    let connection: PostgresConnection
    /// A dbt project's seed, loaded as dbt-core loads it: agate's types (integer, float8, date,
    /// timestamp, boolean, text), `null` and empty fields as NULL, column names as PostgreSQL folds
    /// them unless `quote_columns` keeps them as written.
    let dbtSemantics: Bool
    /// On Citus: makes the empty staged table a reference (or distributed) table before the rows
    /// are copied in; the seed then replaces a table placed the same way, else it is swapped in.
    public var distribute: ((_ relation: String) throws -> Void)?

    public init(seed: SeedNode, schema: String, identifier: String, projectRoot: String, connection: PostgresConnection,
                dbtSemantics: Bool = false) {
        self.seed = seed
        self.schema = schema
        self.identifier = identifier
        self.projectRoot = projectRoot
        self.connection = connection
        self.dbtSemantics = dbtSemantics
    }

    public func run() throws -> Result {
        let path = projectRoot + "/" + seed.path
        var options = CSVOptions()
        if let delimiter = seed.config["delimiter"]?.stringValue, delimiter.utf8.count == 1 { options.delimiter = delimiter.utf8.first! }
        // Pass 1: header and the values' types.
        var names: [String] = []
        var inference: [TypeInference] = []
        var dbtInference: [DbtSeedTypes] = []
        var problems: [String] = []
        let quoteColumns = seed.config["quote_columns"]?.truthy ?? false
        let dbt = dbtSemantics
        try CSVScanner(options: options).scan(try FileBlocks(path: path), expectedFields: nil, onHeader: { header in
            names = dbt ? DbtSeedTypes.names(header, quoted: quoteColumns) : ColumnNames.unique(header)
            inference = Array(repeating: TypeInference(), count: header.count)
            dbtInference = Array(repeating: DbtSeedTypes(), count: header.count)
            return header.count
        }, onRecord: { record in
            for i in 0..<record.count {
                if dbt { dbtInference[i].observe(record.field(i)) } else { inference[i].observe(record.field(i)) }
            }
        }, onReject: { problems.append("line \($0.line): \($0.reason.rawValue) (\($0.detail))") })
        if !problems.isEmpty {
            throw StructuralError(file: seed.path, message: "seed files must be clean CSV; " + problems.prefix(5).joined(separator: "; "))
        }
        var declared: [String: String] = [:]
        if case .dict(let types)? = seed.config["column_types"] {
            for (key, value) in types.pairs {
                declared[dbt ? key.displayString.lowercased() : ColumnNames.normalise(key.displayString)] = value.displayString
            }
        }
        let types = names.indices.map { i in
            (names[i], declared[dbt ? names[i].lowercased() : names[i]] ?? (dbt ? dbtInference[i].sqlType : inference[i].sqlType))
        }
        let staged = identifier + "__rops_seed"
        let rows: Int = try connection.transaction {
            try connection.execute("create schema if not exists \(SQLText.identifier(schema))")
            try connection.execute("drop table if exists \(SQLText.qualified(schema, staged))")
            try connection.execute("create table \(SQLText.qualified(schema, staged)) (\(types.map { "\(SQLText.identifier($0.0)) \($0.1)" }.joined(separator: ", ")))")
            try distribute?(SQLText.qualified(schema, staged))
            let copied = try connection.copyIn("copy \(SQLText.qualified(schema, staged)) from stdin") { writer in
                var out: [UInt8] = []
                try CSVScanner(options: options).scan(try FileBlocks(path: path), expectedFields: nil, onHeader: { _ in nil }, onRecord: { record in
                    if dbt { DbtSeedTypes.appendCopyText(record, into: &out) } else { record.appendCopyText(into: &out) }
                    out.append(CopyText.newline)
                    if out.count > 1 << 20 { try writer.write(out); out.removeAll(keepingCapacity: true) }
                }, onReject: { _ in })
                try writer.write(out)
            }
            try replace(with: staged)
            FaultInjection.reach("seed:\(seed.name):replaced")
            return copied
        }
        return Result(name: seed.name, relation: "\(schema).\(identifier)", rows: rows, columnTypes: types)
    }
}

extension SeedLoader {
    /// Puts the staged rows in place. Same columns and types as the existing table (the usual case):
    /// its rows are replaced in place, so views and materialized views over the seed keep working and
    /// readers see the old rows until the commit. Otherwise the staged table is swapped in and the
    /// old one stays readable for whatever still reads it (`RelationSwap`).
    fileprivate func replace(with staged: String) throws {
        let target = SQLText.qualified(schema, identifier), stagedRelation = SQLText.qualified(schema, staged)
        if try columnTypes(target) == columnTypes(stagedRelation), try distribute == nil || placement(target) == placement(stagedRelation) {
            try connection.execute("delete from \(target)")
            try connection.execute("insert into \(target) select * from \(stagedRelation)")
            try connection.execute("drop table \(stagedRelation)")
        } else {
            try RelationSwap(connection).replace(schema: schema, identifier: identifier, with: staged, kind: "table")
        }
    }

    /// How Citus places `relation` ("h:<column>", "n" for a reference table), nil for a local one.
    private func placement(_ relation: String) throws -> String? {
        try connection.query("""
            select partmethod::text || coalesce(':' || column_to_column_name(logicalrelid, partkey), '') as placement
            from pg_dist_partition where logicalrelid = to_regclass($1)
            """, [relation]).first?["placement"].string
    }

    /// Column names and types in order; empty when the table does not exist.
    private func columnTypes(_ relation: String) throws -> [String] {
        try connection.query("""
            select a.attname || ' ' || format_type(a.atttypid, a.atttypmod) as column from pg_attribute a
            where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped order by a.attnum
            """, [relation]).compactMap { $0["column"].string }
    }
}

/// dbt-core's seed typing (its agate type tester and dbt-postgres' type names): numbers are
/// `integer`, or `float8` when any has decimals; `%Y-%m-%d` dates; `%Y-%m-%d %H:%M:%S` and ISO
/// timestamps; `true`/`false`; else `text`. `null` and empty fields are NULL and fit any type.
struct DbtSeedTypes {
    private var canNumber = true, hasDecimals = false, canDate = true, canTimestamp = true, canBool = true
    private var seen = false

    static func isNull(_ value: String?) -> Bool {
        guard let value else { return true }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed.lowercased() == "null"
    }

    mutating func observe(_ value: String?) {
        guard !Self.isNull(value), let value else { return }
        seen = true
        if canNumber {
            if TypeInference.matches(value, #"^[-+]?(\d+(\.\d*)?|\.\d+)$"#) {
                // agate's MaxPrecision: any digit after the point (even `1.0`) makes it a float.
                if let dot = value.firstIndex(of: "."), value.index(after: dot) < value.endIndex { hasDecimals = true }
            } else {
                canNumber = false
            }
        }
        if canDate && !TypeInference.matches(value, #"^\d{4}-\d{1,2}-\d{1,2}$"#) { canDate = false }
        if canTimestamp && !TypeInference.matches(value, #"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$"#) {
            canTimestamp = false
        }
        if canBool && !["true", "false"].contains(value.lowercased()) { canBool = false }
    }

    var sqlType: String {
        guard seen else { return "integer" }
        if canNumber { return hasDecimals ? "float8" : "integer" }
        if canDate { return "date" }
        if canTimestamp { return "timestamp without time zone" }
        if canBool { return "boolean" }
        return "text"
    }

    /// Header names: as written when quoted, else folded to lower case as PostgreSQL folds an
    /// unquoted identifier; duplicates get a suffix.
    static func names(_ header: [String], quoted: Bool) -> [String] {
        var seen: [String: Int] = [:]
        return header.map { raw in
            let name = quoted ? raw : raw.lowercased()
            let count = seen[name, default: 0]
            seen[name] = count + 1
            return count == 0 ? name : "\(name)_\(count + 1)"
        }
    }

    static func appendCopyText(_ record: CSVScanner.Record, into out: inout [UInt8]) {
        for i in 0..<record.count {
            if i > 0 { out.append(CopyText.tab) }
            let field = record.field(i)
            if isNull(field) { CopyText.appendNull(&out) } else { CopyText.append(field!, into: &out) }
        }
    }
}

/// Narrows a column's type as values arrive: boolean, bigint, numeric, date, timestamp, else text.
/// Numbers with a leading zero (zip codes, ids like `007`) stay text, so no zero is ever lost.
struct TypeInference {
    private var canBool = true, canInt = true, canNumeric = true, canDate = true, canTimestamp = true
    private var seen = false

    mutating func observe(_ value: String?) {
        guard let value, !value.isEmpty else { return }
        seen = true
        let lower = value.lowercased()
        if canBool && !["true", "false"].contains(lower) { canBool = false }
        if canInt && !(Self.isInteger(value) && Int64(value) != nil) { canInt = false }
        if canNumeric && !Self.isNumeric(value) { canNumeric = false }
        if canDate && !Self.matches(value, #"^\d{4}-\d{2}-\d{2}$"#) { canDate = false }
        if canTimestamp && !Self.matches(value, #"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"#) { canTimestamp = false }
    }

    var sqlType: String {
        guard seen else { return "text" }
        if canBool { return "boolean" }
        if canInt { return "bigint" }
        if canNumeric { return "numeric" }
        if canDate { return "date" }
        if canTimestamp { return "timestamp" }
        return "text"
    }

    static func isInteger(_ value: String) -> Bool {
        let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return !(digits.count > 1 && digits.hasPrefix("0"))
    }

    static func isNumeric(_ value: String) -> Bool {
        guard matches(value, #"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"#) else { return false }
        let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
        return !(digits.count > 1 && digits.hasPrefix("0") && !digits.hasPrefix("0."))
    }

    static func matches(_ value: String, _ pattern: String) -> Bool {
        value.range(of: pattern, options: .regularExpression) != nil
    }
}
