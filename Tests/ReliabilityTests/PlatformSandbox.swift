import Foundation
import LocalPostgres
import PostgresClient
import TestSupport
import XCTest

/// The flagship project copied to a temporary folder, running on its own embedded PostgreSQL (the
/// default a user gets: no DB_CONNECTION_STRING), with two generated data sets to switch between.
/// Data set 1 also changes a seed row, so seeds differ between the two as well.
final class PlatformSandbox: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let root: String
    let environment: [String: String]
    /// Relations whose rows depend on the clock or on how often files were loaded, not on the data:
    /// checked for existence only.
    static let clockDependent: Set<String> = ["queries.freshness", "queries.load_history"]

    init(transactions: Int = 3000) throws {
        root = try TemporaryFolder.make(prefix: "rops-reliability")
        for item in ["project.yml", "models", "seeds", "macros"] {
            try FileManager.default.copyItem(atPath: Self.repository + "/" + item, toPath: root + "/" + item)
        }
        environment = ["CI": "true", "PGOPTIONS": "-c rops.pii_key=reliability-\(UInt32.random(in: 0...UInt32.max))"]
        // Set 1 is dirty: its rejected tables are not empty, so they differ between the sets too.
        try generate(into: "\(root)/.data-0", ["--transactions", "\(transactions)", "--seed", "1"])
        try generate(into: "\(root)/.data-1", ["--transactions", "\(transactions)", "--seed", "2", "--dirty", "0.01"])
        let states = try String(contentsOfFile: root + "/seeds/us_states.csv", encoding: .utf8)
        try states.write(toFile: root + "/.seed-0.csv", atomically: true, encoding: .utf8)
        // The first state's name changes (its code and region are tested against accepted values).
        let changed = states.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line -> String in
            guard index == 1 else { return String(line) }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[1] += " (renamed)"
            return fields.joined(separator: ",")
        }.joined(separator: "\n")
        try changed.write(toFile: root + "/.seed-1.csv", atomically: true, encoding: .utf8)
        ThrowawayClusters.register(try LocalCluster(projectRoot: root), root: root)
    }

    /// One sandbox for the suite, with a snapshot of a clean build of each data set: two clean
    /// builds to compare against are the expensive part.
    nonisolated(unsafe) private static var sharedSandbox: (sandbox: PlatformSandbox, cleans: [Snapshot])?
    private static let sharedLock = NSLock()

    static func shared() throws -> (sandbox: PlatformSandbox, cleans: [Snapshot]) {
        sharedLock.lock(); defer { sharedLock.unlock() }
        if let sharedSandbox { return sharedSandbox }
        let sandbox = try PlatformSandbox()
        var cleans: [Snapshot] = []
        for set in 0..<2 {
            try sandbox.cleanBuild(set)
            cleans.append(try Snapshot.take(sandbox.connect()))
        }
        // The two data sets must differ almost everywhere, or surviving a fault would prove little.
        let differing = cleans[0].relations.keys.filter { cleans[0].relations[$0] != cleans[1].relations[$0] }
        XCTAssertGreaterThan(differing.count, cleans[0].relations.count * 7 / 10, "data sets too alike: \(differing.sorted())")
        XCTAssertGreaterThan(cleans[0].relations.count, 40)
        sharedSandbox = (sandbox, cleans)
        return (sandbox, cleans)
    }

    private func generate(into folder: String, _ arguments: [String]) throws {
        XCTAssertTrue(try RopsDatagen.run(into: folder, arguments), "rops-datagen failed")
    }

    /// Puts data set `set` (0 or 1) in data/raw and seeds/.
    func use(_ set: Int) throws {
        let manager = FileManager.default
        try? manager.removeItem(atPath: root + "/data/raw")
        try manager.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try manager.copyItem(atPath: "\(root)/.data-\(set)", toPath: root + "/data/raw")
        try? manager.removeItem(atPath: root + "/seeds/us_states.csv")
        try manager.copyItem(atPath: "\(root)/.seed-\(set).csv", toPath: root + "/seeds/us_states.csv")
    }

    @discardableResult
    func rops(_ arguments: [String], fault: String? = nil) throws -> RopsProcess.Outcome {
        var environment = self.environment
        if let fault { environment["ROPS_FAULT"] = fault }
        return try RopsProcess.run(arguments, in: root, environment: environment)
    }

    func start(_ arguments: [String], fault: String? = nil, mark: String? = nil) throws -> RunningRops {
        var environment = self.environment
        if let fault { environment["ROPS_FAULT"] = fault }
        if let mark { environment["ROPS_FAULT_MARK"] = mark }
        return try RunningRops(arguments, in: root, environment: environment)
    }

    var cluster: LocalCluster { get throws { try LocalCluster(projectRoot: root) } }

    func connect() throws -> PostgresConnection {
        guard let endpoint = try cluster.endpoint else { throw PostgresError(kind: .connection, message: "the sandbox has no cluster yet") }
        return try PostgresConnection(endpoint.socketURL)
    }

    /// Loads and builds data set `set` cleanly, failing the test on any error.
    func cleanBuild(_ set: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        try use(set)
        let load = try rops(["load"])
        XCTAssertEqual(load.status, 0, load.all, file: file, line: line)
        let build = try rops(["build"])
        XCTAssertEqual(build.status, 0, build.all, file: file, line: line)
    }
}

/// Every relation of the platform's layers with its row count and a checksum of its rows.
struct Snapshot: Equatable {
    struct State: Equatable {
        let rows: Int
        let checksum: String
        /// `r` table, `v` view, `m` materialized view, `p` partitioned table.
        let kind: String
    }

    static let schemas = ["raw", "seeds", "staging", "intermediate", "queries"]
    var relations: [String: State] = [:]
    /// Relations whose names show rops's own side tables (`__rops_old_…` backups and the like).
    var sideRelations: [String] = []

    static func take(_ connection: PostgresConnection) throws -> Snapshot {
        var snapshot = Snapshot()
        let names = try connection.query("""
            select n.nspname || '.' || c.relname as name, c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p') and n.nspname = any($1::text[]) order by 1
            """, ["{\(schemas.joined(separator: ","))}"]).map { ($0["name"].string!, $0["kind"].string!) }
        for (name, kind) in names {
            if name.contains("__rops_") { snapshot.sideRelations.append(name); continue }
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            let row = try connection.query("""
                with rows as (
                    -- Load ids (`_rops_load_id`, `…_load_id`) say which load wrote a row, not what it holds.
                    select md5(coalesce((select jsonb_object_agg(key, value) from jsonb_each(to_jsonb(t)) where key not like '%load_id'), '{}')::text) as hash
                    from \(SQLText.qualified(parts[0], parts[1])) t
                )
                select count(*)::bigint as rows, coalesce(md5(string_agg(hash, '' order by hash)), '') as checksum from rows
                """)[0]
            snapshot.relations[name] = State(rows: row["rows"].int ?? -1, checksum: row["checksum"].string ?? "", kind: kind)
        }
        return snapshot
    }

    /// What a state after a fault lost against the clean states it may equal: relations that are
    /// missing, and stored relations that equal none of them (half-built), with the rows they lack.
    /// A view only has to be there and answer: between two layers of a build it may join a new
    /// table to an old one. `wholly`: views must equal a clean build too (after a finished run).
    func damage(against cleans: [Snapshot], wholly: Bool = false) -> (problems: [String], rowsLost: Int) {
        var problems: [String] = []
        var lost = 0
        let expected = Set(cleans.flatMap(\.relations.keys))
        for name in expected.sorted() {
            let versions = cleans.compactMap { $0.relations[name] }
            guard let state = relations[name] else {
                problems.append("\(name) is missing")
                lost += versions.map(\.rows).max() ?? 0
                continue
            }
            if PlatformSandbox.clockDependent.contains(name) || (state.kind == "v" && !wholly) { continue }
            if !versions.contains(state) {
                problems.append("\(name) matches no clean build (\(state.rows) rows; clean: \(versions.map(\.rows)))")
                lost += max(0, (versions.map(\.rows).min() ?? 0) - state.rows)
            }
        }
        return (problems, lost)
    }
}
