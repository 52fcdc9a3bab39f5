import Build
import Foundation
import Project
import Template

/// A compiled data test: SQL returning failing rows, and how to judge the count.
public struct DataTest: Sendable {
    public internal(set) var name: String
    /// `generic` (from YAML) or `singular` (a file under tests/).
    public let kind: String
    public let testName: String
    /// The model, seed or source it is declared on (unique id), if any.
    public let attachedTo: String?
    public let column: String?
    /// Unique ids of everything the test reads (for ordering and selection).
    public let dependsOn: [String]
    public let sql: String
    public let file: String
    public let line: Int?
    public let severity: String
    public let errorIf: Threshold
    public let warnIf: Threshold
    public let limit: Int?
    public let storeFailures: Bool
    public let auditSchema: String
    public let tags: [String]
    /// For tests whose failing rows are the rows of one relation matching a condition (not_null,
    /// accepted_values, expression_is_true): tests of the same relation are screened together in one
    /// scan, and only a test whose condition matches rows runs on its own for its exact result.
    public var screen: Screen? = nil
    /// For tests from macros: renders the SQL again when the test runs, with the database at hand
    /// (dbt renders tests with `execute` true, and package tests read the catalog).
    public var runtime: RuntimeSQL? = nil
    /// dbt's `fail_calc`: the expression over the failing rows that gives the failure count.
    public var failCalc: String? = nil

    public final class RuntimeSQL: @unchecked Sendable {
        let render: (@escaping QueryRunner) throws -> String
        public init(_ render: @escaping (@escaping QueryRunner) throws -> String) { self.render = render }
        public func sql(_ runQuery: @escaping QueryRunner) throws -> String { try render(runQuery) }
    }

    public struct Screen: Sendable, Equatable {
        /// The relation scanned: the model, or the model filtered by the test's `where:` config.
        public let relation: String
        /// A condition true for the rows that make the test fail.
        public let failingRows: String
    }

    public var uniqueId: String { "test.\(name)" }

    /// The statement that counts failures.
    public var countSQL: String { countSQL(for: sql) }

    /// Counts failures of `sql` (the test's SQL as rendered for this run): `fail_calc` over the rows.
    public func countSQL(for sql: String) -> String {
        "select \(failCalc ?? "count(*)") as failures from (\n\(SQLCleanup.trimSemicolons(sql))\n\(limit.map { "limit \($0)" } ?? "")\n) as rops_test"
    }
}

/// `"!=0"`, `">10"`, `">=5"`: when a failure count trips a threshold.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public let op: String
    public let value: Int

    public init(_ text: String) throws {
        let trimmed = text.replacingOccurrences(of: " ", with: "")
        for op in [">=", "<=", "!=", "==", ">", "<", "="] where trimmed.hasPrefix(op) {
            guard let value = Int(trimmed.dropFirst(op.count)) else { break }
            self.op = op == "=" ? "==" : op
            self.value = value
            return
        }
        throw HostError("a threshold looks like \">10\" or \"!=0\", not \"\(text)\"")
    }

    public func trips(_ failures: Int) -> Bool {
        switch op {
        case ">=": return failures >= value
        case "<=": return failures <= value
        case "!=": return failures != value
        case "==": return failures == value
        case ">": return failures > value
        default: return failures < value
        }
    }

    public var description: String { "\(op)\(value)" }
}
