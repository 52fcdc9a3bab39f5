import Foundation
import PostgresClient
import TestSupport
import XCTest

/// A new relation in place of the old one, against a real PostgreSQL: readers keep what they read.
final class RelationSwapTests: XCTestCase {
    func setUpSchema() throws -> (PostgresConnection, String) {
        let connection = try TestDatabase.connect()
        let schema = try TestDatabase.freshSchema(connection, prefix: "swap")
        try connection.executeScript("""
            create table \(schema).t as select g as id from generate_series(1, 3) g;
            create index t_id_idx on \(schema).t (id);
            create table \(schema).t_new as select g as id from generate_series(1, 5) g;
            """)
        return (connection, schema)
    }

    func count(_ connection: PostgresConnection, _ relation: String) throws -> Int {
        try connection.query("select count(*)::int as n from \(relation)")[0]["n"].int ?? -1
    }

    func testProjectViewsMoveToTheNewRelationAndTheOldOneGoes() throws {
        let (connection, schema) = try setUpSchema()
        try connection.execute("create view \(schema).v as select * from \(schema).t")
        try connection.transaction {
            try RelationSwap(connection).replace(schema: schema, identifier: "t", with: "t_new", kind: "table",
                                                 views: [("\(schema).v", "select * from \(schema).t")])
        }
        XCTAssertEqual(try count(connection, "\(schema).v"), 5)
        XCTAssertEqual(try connection.query("select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname like 't\\_\\_rops\\_old%'", [schema])[0]["n"].int, 0)
    }

    func testAMaterializedViewKeepsTheOldRowsUntilItIsRebuiltThenTheSweepDropsThem() throws {
        let (connection, schema) = try setUpSchema()
        try connection.execute("create materialized view \(schema).m as select * from \(schema).t")
        let swap = RelationSwap(connection)
        let outcome = try connection.transaction { try swap.replace(schema: schema, identifier: "t", with: "t_new", kind: "table") }
        let kept = try XCTUnwrap(outcome.keptBackup)
        XCTAssertTrue(kept.contains("t__rops_old_"), kept)
        XCTAssertEqual(try count(connection, "\(schema).m"), 3, "the materialized view still has its rows")
        XCTAssertTrue(try swap.readsBackup("\(schema).m"), "and knows it reads a replaced relation")
        XCTAssertEqual(try count(connection, "\(schema).t"), 5)
        // The backup gave up its index name: the new table can take it.
        try connection.execute("create index t_id_idx on \(schema).t (id)")
        XCTAssertEqual(try swap.sweepBackups(), 0, "still read")
        try connection.execute("drop materialized view \(schema).m")
        XCTAssertGreaterThanOrEqual(try swap.sweepBackups(), 1)
        XCTAssertEqual(try connection.query("select to_regclass($1) is null as gone", [kept])[0]["gone"].bool, true)
    }

    func testForeignKeysToTheOldTableAreDroppedWithIt() throws {
        let (connection, schema) = try setUpSchema()
        try connection.executeScript("""
            alter table \(schema).t add primary key (id);
            create table \(schema).child (id int references \(schema).t (id));
            insert into \(schema).child values (1);
            """)
        let outcome = try connection.transaction {
            try RelationSwap(connection).replace(schema: schema, identifier: "t", with: "t_new", kind: "table")
        }
        XCTAssertNil(outcome.keptBackup)
        XCTAssertEqual(try connection.query("select count(*)::int as n from pg_constraint where conrelid = $1::regclass and contype = 'f'",
                                            ["\(schema).child"])[0]["n"].int, 0)
        XCTAssertEqual(try count(connection, "\(schema).child"), 1, "the referencing rows stay")
    }

    func testASecondHolderWaitsForTheLockAndIsToldWhoHasIt() throws {
        let name = "test lock \(UInt32.random(in: 0...UInt32.max))"
        let dsn = ConnectionString(TestDatabase.url)
        let first = try AdvisoryLock(dsn, name: name, label: "first holder") { _ in XCTFail("the first must not wait") }
        let waited = ErrorList()
        let acquired = DispatchSemaphore(value: 0)
        Thread {
            let second = try? AdvisoryLock(dsn, name: name, label: "second holder") { holder in waited.add(holder?.application ?? "?") }
            acquired.signal()
            second?.release()
        }.start()
        XCTAssertEqual(acquired.wait(timeout: .now() + 1), .timedOut, "the second waits while the first holds the lock")
        XCTAssertEqual(waited.all, ["first holder"])
        first.release()
        XCTAssertEqual(acquired.wait(timeout: .now() + 10), .success)
    }

    func testAWorkerPoolRunsEveryJobOnConnectionsOfItsOwnAndReportsAFailedConnect() throws {
        let queue = WorkQueue(Array(1...20))
        let seen = ResultList<(Int, Int)>()
        try WorkerPool.run(workers: 3, connect: { try TestDatabase.connect() }, next: { queue.next() }, work: { job, connection in
            let pid = (try? connection.query("select pg_backend_pid() as pid")[0]["pid"].int) ?? nil
            seen.add((job, pid ?? -1))
        })
        XCTAssertEqual(seen.all.map(\.0).sorted(), Array(1...20))
        XCTAssertLessThanOrEqual(Set(seen.all.map(\.1)).count, 3)
        XCTAssertThrowsError(try WorkerPool.run(workers: 2, connect: { try PostgresConnection("postgresql://nobody@127.0.0.1:1/x") },
                                                next: { WorkQueue([1]).next() }, work: { _, _ in XCTFail("no connection, no work") }))
    }
}
