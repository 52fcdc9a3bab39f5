import Template

/// A data test declared in YAML (`tests:` / `data_tests:`), before it is compiled.
public struct TestSpec: Sendable {
    /// `not_null`, `relationships`, `accepted_values`, or a custom generic test's name.
    public let testName: String
    public let arguments: [String: Value]
    public let config: [String: Value]
    /// The column it guards, for column-level tests.
    public let column: String?
    public let file: String
    public let line: Int?

    /// The same test with `config` in place of its own.
    public func withConfig(_ config: [String: Value]) -> TestSpec {
        TestSpec(testName: testName, arguments: arguments, config: config, column: column, file: file, line: line)
    }

    /// The same test with `defaults` (the project's `data_tests:` configs) under its own `config:`.
    public func withDefaults(_ defaults: [String: Value]) -> TestSpec {
        guard !defaults.isEmpty else { return self }
        return TestSpec(testName: testName, arguments: arguments, config: defaults.merging(config) { $1 }, column: column, file: file, line: line)
    }
}

public struct ColumnDefinition: Sendable {
    public let name: String
    public let description: String
    public let dataType: String?
    public let tests: [TestSpec]
}

/// A SQL model file with its properties; pure data, built once by the loader.
public struct ModelNode: Sendable {
    public let name: String
    /// Path relative to the project root, e.g. `models/staging/stg_users.sql`.
    public let path: String
    /// Folders inside the model path: `["staging"]`; the first is the model's layer.
    public let folders: [String]
    public let rawSQL: String
    /// The project it comes from: the root project's name, or an installed package's.
    public var package: String = ""
    /// A snapshot (`{% snapshot %}` block or a YAML `snapshots:` entry): built as SCD type 2 history.
    public var isSnapshot = false
    public var description: String = ""
    public var columns: [ColumnDefinition] = []
    public var tests: [TestSpec] = []
    public var propertiesFile: String?
    /// Project defaults merged with the YAML `config:` (the file's own `config()` comes at compile time).
    public var config = NodeConfig()

    public var layer: String { folders.first ?? "" }
    public var uniqueId: String { NodeID.model(name) }
}

/// A table of a `sources:` entry.
public struct SourceTable: Sendable {
    public let sourceName: String
    public let name: String
    public let identifier: String
    public let schema: String
    public let description: String
    public let columns: [ColumnDefinition]
    public let tests: [TestSpec]
    /// The rops `loader:` block (a mapping) or dbt's free-text loader name.
    public let loader: Value?
    public let file: String
    public let line: Int?
    /// `freshness:` (the table's, else its source's; `freshness: null` turns it off).
    public var freshness: SourceFreshness? = nil
    /// `loaded_at_field:`; without one, `rops source freshness` reads the loader's `rops_meta.loads`.
    public var loadedAtField: String? = nil
    /// `config: {event_time: …}`: the column a microbatch model's batches filter this table by.
    public var eventTime: String? = nil

    public var uniqueId: String { NodeID.source(sourceName, name) }
}

/// dbt's source freshness criteria: `warn_after` / `error_after` as `{count, period}`, and `filter`.
public struct SourceFreshness: Sendable, Equatable {
    public struct Limit: Sendable, Equatable {
        public let count: Int
        /// minute, hour or day.
        public let period: String
        public var seconds: Double { Double(count) * (period == "minute" ? 60 : period == "day" ? 86_400 : 3_600) }
    }
    public var warnAfter: Limit?
    public var errorAfter: Limit?
    public var filter: String?
    public var isEmpty: Bool { warnAfter == nil && errorAfter == nil }
}

/// A seed CSV file.
public struct SeedNode: Sendable {
    public let name: String
    public let path: String
    public var package: String = ""
    /// The seed folder the path starts with (`seeds`, `data`), for folder configs.
    public var seedPath: String = ""
    public var description: String = ""
    public var columns: [ColumnDefinition] = []
    public var tests: [TestSpec] = []
    public var config = NodeConfig()
    public var uniqueId: String { NodeID.seed(name) }
}

/// A dbt unit test (`unit_tests:` in a properties file): rows given for a model's inputs, the rows
/// it must return.
public struct UnitTestSpec: Sendable {
    public struct Input: Sendable {
        /// `ref('x')`, `source('s', 't')` or `this`, as written.
        public let input: String
        /// dict (a list of mappings), csv (text), or sql (a select).
        public let format: String
        public let rows: Value
    }
    public let name: String
    public let model: String
    public let given: [Input]
    public let expectFormat: String
    public let expectRows: Value
    public let vars: [String: Value]
    public let isIncremental: Bool
    public let file: String
    public let line: Int?
}

/// A `.sql` file of macros.
public struct MacroFile: Sendable {
    public let path: String
    public let source: String
    /// The project that defines it (macros of a package are called as `package.macro()`).
    public var package: String = ""
}

/// A singular test: a `.sql` file under `tests/` returning failing rows.
public struct SingularTest: Sendable {
    public let name: String
    public let path: String
    public let rawSQL: String
    public var package: String = ""
}

/// An installed package (`dbt_packages/<name>`): its project file and where it lives.
public struct PackageProject: @unchecked Sendable {
    public let name: String
    /// Absolute folder of the package.
    public let root: String
    public let file: ProjectFile
}

/// Everything the loader found, immutable from here on.
public struct Project: @unchecked Sendable {
    public let file: ProjectFile
    public let models: [ModelNode]
    public let sources: [SourceTable]
    public let seeds: [SeedNode]
    public let macroFiles: [MacroFile]
    public let singularTests: [SingularTest]
    /// `{% docs %}` blocks by name.
    public let docs: [String: DocBlock]
    /// Installed packages, in the order their macros are searched after the root project's.
    public var packages: [PackageProject] = []
    /// Problems worth saying that do not stop the project (dbt warns about them too).
    public var warnings: [ProjectError] = []
    /// dbt custom materializations found in macro files (name → file); rops does not run them.
    public var customMaterializations: [String: String] = [:]
    public var unitTests: [UnitTestSpec] = []
    public var root: String { file.root }
}
