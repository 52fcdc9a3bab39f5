import Foundation
import PostgresClient
import TestSupport
import XCTest

/// What must never leave its place: the dashboard role sees `queries` and nothing else; no
/// password appears in any output or artifact; no card number or street address appears outside
/// `raw`, not even in rejected rows or in the tables `store_failures` keeps.
final class IsolationTests: XCTestCase {
    override func setUp() { ReliabilityLedger.register() }

    func testTheDashboardRoleReadsQueriesAndNothingElse() throws {
        let (sandbox, _) = try PlatformSandbox.shared()
        try sandbox.cleanBuild(0)
        let owner = try sandbox.connect()
        XCTAssertEqual(try owner.query("select rolcanlogin from pg_roles where rolname = 'fraud_dashboard'")[0]["rolcanlogin"].bool, false,
                       "the dashboard role must not log in: the app reaches it with SET ROLE")
        let relations = try owner.query("""
            select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
            order by 1, 2
            """).map { ($0["schema"].string!, $0["name"].string!) }
        XCTAssertGreaterThan(relations.count, 40)
        let reader = try sandbox.connect()
        try reader.execute("set role fraud_dashboard")
        var leaks: [String] = []
        for (schema, name) in relations {
            let relation = SQLText.qualified(schema, name)
            do {
                _ = try reader.query("select count(*) from \(relation)")
                if schema != "queries" { leaks.append("\(schema).\(name) is readable") }
            } catch let error as PostgresError {
                if schema == "queries" { leaks.append("\(schema).\(name): \(error)") }
                else if error.sqlState != "42501" { leaks.append("\(schema).\(name): not a permission error: \(error)") }
            }
        }
        for statement in ["create table queries.intruder (x int)", "create schema intruder", "delete from queries.kpis",
                          "select pg_read_file('postgresql.conf')"] {
            do {
                try reader.execute(statement)
                leaks.append("allowed: \(statement)")
            } catch let error as PostgresError where ["42501", "42809", "55000", "22023"].contains(error.sqlState ?? "") {
            }
        }
        XCTAssertEqual(leaks, [])
        ReliabilityLedger.shared.hostileInput(handled: leaks.isEmpty)
    }

    func testNoPasswordInAnyOutputOrArtifact() throws {
        let (sandbox, _) = try PlatformSandbox.shared()
        try sandbox.use(0)
        let url = try sandbox.rops(["db", "url", "--tcp", "--show-password"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let password = try XCTUnwrap(URLComponents(string: url)?.password)
        XCTAssertGreaterThan(password.count, 8)
        var outputs: [String] = []
        for arguments in [["debug"], ["load"], ["build"], ["test"], ["compile"], ["docs", "generate"], ["ls"], ["show", "kpis"], ["db", "url", "--tcp"]] {
            let outcome = try sandbox.rops(arguments + ["--database-url", url])
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.all)")
            outputs.append(outcome.all)
        }
        // A refused connection must not echo the URL's password either.
        var wrong = URLComponents(string: url)!
        wrong.port = 1
        let refused = try sandbox.rops(["debug", "--database-url", wrong.string!])
        XCTAssertNotEqual(refused.status, 0)
        outputs.append(refused.all)
        var leaks = outputs.enumerated().filter { $0.element.contains(password) }.map { "output \($0.offset)" }
        let manager = FileManager.default
        for case let file as String in manager.enumerator(atPath: sandbox.root + "/target")! {
            let path = sandbox.root + "/target/" + file
            if let data = manager.contents(atPath: path), String(decoding: data, as: UTF8.self).contains(password) { leaks.append("target/" + file) }
        }
        XCTAssertEqual(leaks, [], "the password appears in these")
        XCTAssertTrue(outputs[0].contains("****"), "debug shows the URL masked")
        ReliabilityLedger.shared.hostileInput(handled: leaks.isEmpty)
    }

    func testNoCardNumberOrAddressOutsideRawEvenInRejectedRowsAndStoredFailures() throws {
        let (sandbox, _) = try PlatformSandbox.shared()
        let projectFile = sandbox.root + "/project.yml"
        let original = try String(contentsOfFile: projectFile, encoding: .utf8)
        defer {
            try? original.write(toFile: projectFile, atomically: true, encoding: .utf8)
            try? FileManager.default.removeItem(atPath: sandbox.root + "/tests")
        }
        try (original + "\ndata_tests:\n  +store_failures: true\n").write(toFile: projectFile, atomically: true, encoding: .utf8)
        // Failing tests whose failing rows are the rejected rows: store_failures keeps them.
        try FileManager.default.createDirectory(atPath: sandbox.root + "/tests", withIntermediateDirectories: true)
        for model in ["stg_cards_rejected", "stg_users_rejected", "stg_transactions_rejected"] {
            try "select * from {{ ref('\(model)') }}\n".write(toFile: sandbox.root + "/tests/probe_\(model).sql", atomically: true, encoding: .utf8)
        }
        try sandbox.use(1)  // the dirty data set
        XCTAssertEqual(try sandbox.rops(["load"]).status, 0)
        let build = try sandbox.rops(["build"])
        XCTAssertTrue(build.stdout.contains("FAIL probe_stg_transactions_rejected"), build.all)
        let db = try sandbox.connect()
        let stored = try db.query("""
            select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relname like 'probe_%' and c.relkind = 'r'
            """).compactMap { $0["name"].string }
        XCTAssertEqual(stored.count, 3, "store_failures tables")
        XCTAssertGreaterThan(try db.query("select count(*)::bigint as n from \(stored.first { $0.hasSuffix("probe_stg_transactions_rejected") }!)")[0]["n"].int ?? 0, 0)

        try db.execute("""
            create temporary table secrets as
            select distinct card_number as value, 'card number' as kind, null::text as head from raw.cards where length(card_number) >= 13
            union select distinct address, 'address', substring(address from '^[0-9]+ [A-Za-z]+') from raw.users where address ~ '^[0-9]+ [A-Za-z]'
            """)
        XCTAssertGreaterThan(try db.query("select count(*)::bigint as n from secrets")[0]["n"].int ?? 0, 1000)
        let relations = try db.query("""
            select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where c.relkind in ('r', 'v', 'm', 'p') and n.nspname not in ('raw', 'pg_catalog', 'information_schema', 'pg_toast')
              and n.nspname not like 'pg_temp%'
            order by 1, 2
            """).map { SQLText.qualified($0["schema"].string!, $0["name"].string!) }
        XCTAssertGreaterThan(relations.count, 40)
        func scan(_ relation: String) throws -> (cards: Int, addresses: Int) {
            // Card numbers: every run of 13-19 digits in a row's text, looked up among the real ones.
            let cards = try db.query("""
                select count(*)::bigint as n from (select distinct m[1] as value from \(relation) t, regexp_matches(t::text, '(\\d{13,19})', 'g') m) found
                where value in (select value from secrets where kind = 'card number')
                """)[0]["n"].int ?? 0
            // Street addresses: rows holding a house number and a word that start a real address,
            // then checked for the whole address (a join on the start instead of every row times
            // every address).
            let addresses = try db.query("""
                with found as (select distinct t::text as line, m[1] as head from \(relation) t, regexp_matches(t::text, '([0-9]+ [A-Za-z]+)', 'g') m)
                select count(*)::bigint as n from found join secrets s on s.kind = 'address' and s.head = found.head and strpos(found.line, s.value) > 0
                """)[0]["n"].int ?? 0
            return (cards, addresses)
        }
        // The detector finds a planted leak: a masked-looking row that still holds both.
        try db.execute("""
            create table pg_temp.planted as select 'paid with ' || (select value from secrets where kind = 'card number' limit 1)
                || ' at ' || (select value from secrets where kind = 'address' limit 1) || ', thanks' as note
            """)
        let planted = try scan("pg_temp.planted")
        XCTAssertEqual(planted.cards, 1)
        XCTAssertEqual(planted.addresses, 1)
        var leaks: [String] = []
        for relation in relations {
            let found = try scan(relation)
            if found.cards > 0 { leaks.append("\(relation): \(found.cards) card numbers") }
            if found.addresses > 0 { leaks.append("\(relation): \(found.addresses) street addresses") }
        }
        let cvvColumns = try db.query("""
            select table_schema || '.' || table_name || '.' || column_name as name from information_schema.columns
            where table_schema <> 'raw' and column_name ilike '%cvv%' and data_type <> 'boolean'
            """).compactMap { $0["name"].string }
        leaks += cvvColumns.map { "a CVV column: \($0)" }
        XCTAssertEqual(leaks, [])
        ReliabilityLedger.shared.hostileInput(handled: leaks.isEmpty)
    }
}
