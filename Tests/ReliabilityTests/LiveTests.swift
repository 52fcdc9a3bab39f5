import Foundation
import PostgresClient
import TestSupport
import XCTest

/// `rops live` on the platform: batches that arrive after the base files (with labels for earlier
/// payments), cycles killed with SIGKILL in a load and between models, and the end state compared
/// with a full reload and rebuild of the same files: every table and view the same rows.
final class LiveTests: XCTestCase {
    func testLiveCyclesEqualAFullRebuildAndSurviveKillNine() throws {
        let sandbox = try PlatformSandbox(transactions: 3000)
        try sandbox.cleanBuild(0)
        // Nothing changed: the second build runs no SQL and says so.
        let again = try sandbox.rops(["build"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("Nothing changed since the last build"), again.stdout)
        XCTAssertFalse(again.stdout.contains(" OK "), again.stdout)

        let faults: [Int: String] = [2: "load:transactions:mid-copy", 3: "model:enriched_transactions:built",
                                     4: "model:int_fraud_by_hour:built"]
        for batch in 1...5 {
            XCTAssertTrue(try RopsDatagen.run(into: sandbox.root + "/data/raw", ["--batch", "400", "--seed", "1"]))
            if let fault = faults[batch] {
                let killed = try sandbox.start(["live", "--cycles", "1"], fault: fault).wait()
                XCTAssertTrue(killed.signalled && killed.outcome.status == SIGKILL, "\(fault) was not reached:\n\(killed.outcome.all)")
            }
            let cycle = try sandbox.rops(["live", "--cycles", "1"])
            XCTAssertEqual(cycle.status, 0, cycle.all)
            XCTAssertTrue(cycle.stdout.contains("cycle 1: loaded"), cycle.stdout)
        }
        let db = try sandbox.connect()
        let lateLabels = try db.query("""
            select count(*)::int as n from intermediate.enriched_transactions e
            where e.label_load_id > e.payment_load_id and e.transaction_id > 7478326
            """)[0]["n"].int ?? 0
        XCTAssertGreaterThan(lateLabels, 100, "labels of earlier payments arrived in later batches")
        XCTAssertEqual(try db.query("select count(*)::int as n from staging.stg_transactions")[0]["n"].int, 3000 + 5 * 400)
        let live = try Snapshot.take(db)

        // The same files loaded and built from scratch.
        XCTAssertEqual(try sandbox.rops(["load"]).status, 0)
        let full = try sandbox.rops(["build", "--full-refresh"])
        XCTAssertEqual(full.status, 0, full.all)
        let rebuilt = try Snapshot.take(sandbox.connect())
        XCTAssertGreaterThan(rebuilt.relations.count, 40)
        let (differences, _) = live.damage(against: [rebuilt], wholly: true)
        XCTAssertEqual(differences, [], "the live cycles do not equal a full rebuild")

        // The materialized view of the one big table, for readers that want one, on request.
        let view = try sandbox.rops(["build", "-s", "enriched_transactions_view", "--vars", "{enriched_materialized_view: true}"])
        XCTAssertEqual(view.status, 0, view.all)
        XCTAssertEqual(try db.query("select count(*)::int as n from intermediate.enriched_transactions_view")[0]["n"].int, 3000 + 5 * 400)
    }
}
