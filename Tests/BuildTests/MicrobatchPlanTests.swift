@testable import Build
import Foundation
import Project
import Template
import XCTest

/// Which batches a microbatch model runs: from `begin` on a first build, `lookback` batches before
/// the current one later, the window `--event-time-start/--event-time-end` name, each size's bounds.
final class MicrobatchPlanTests: XCTestCase {
    func config(_ values: [String: Value]) -> NodeConfig {
        var config = NodeConfig()
        for (key, value) in values { config.set(key, value) }
        return config
    }

    let now = MicrobatchPlan.parse("2026-12-03 15:40:00")!

    func bounds(_ plan: MicrobatchPlan) -> [String] { plan.batches.map { "\($0.startText.prefix(19))..\($0.endText.prefix(19))" } }

    func testFirstBuildRunsFromBeginToTheEndOfTheCurrentBatch() throws {
        let plan = try MicrobatchPlan(config: config(["event_time": .string("at"), "batch_size": .string("month"), "begin": .string("2026-09-15")]),
                                      file: "m.sql", existing: false, now: now)
        XCTAssertEqual(bounds(plan), ["2026-09-01 00:00:00..2026-10-01 00:00:00", "2026-10-01 00:00:00..2026-11-01 00:00:00",
                                      "2026-11-01 00:00:00..2026-12-01 00:00:00", "2026-12-01 00:00:00..2027-01-01 00:00:00"])
        XCTAssertEqual(plan.batches[0].startText, "2026-09-01 00:00:00+00:00")
    }

    func testLaterRunsTakeLookbackBatchesBeforeTheCurrentOne() throws {
        for (lookback, count) in [(0, 1), (1, 2), (3, 4)] {
            let plan = try MicrobatchPlan(config: config(["event_time": .string("at"), "batch_size": .string("hour"),
                                                          "begin": .string("2020-01-01"), "lookback": .int(lookback)]),
                                          file: "m.sql", existing: true, now: now)
            XCTAssertEqual(plan.batches.count, count, "lookback \(lookback)")
            XCTAssertEqual(plan.batches.last?.endText, "2026-12-03 16:00:00+00:00")
        }
    }

    func testAnExplicitWindowAndEachSize() throws {
        let plan = try MicrobatchPlan(config: config(["event_time": .string("at"), "batch_size": .string("day"), "begin": .string("2020-01-01")]),
                                      file: "m.sql", existing: true, now: now, eventTimeStart: "2024-02-28 06:00", eventTimeEnd: "2024-03-01")
        XCTAssertEqual(bounds(plan), ["2024-02-28 00:00:00..2024-02-29 00:00:00", "2024-02-29 00:00:00..2024-03-01 00:00:00"])
        let years = try MicrobatchPlan(config: config(["event_time": .string("at"), "batch_size": .string("YEAR"), "begin": .string("2025-06-01T10:00:00")]),
                                       file: "m.sql", existing: false, now: now)
        XCTAssertEqual(bounds(years), ["2025-01-01 00:00:00..2026-01-01 00:00:00", "2026-01-01 00:00:00..2027-01-01 00:00:00"])
    }

    func testMissingOrWrongSettingsNameTheFile() {
        let cases: [([String: Value], String)] = [
            (["batch_size": .string("day"), "begin": .string("2024-01-01")], "`event_time`"),
            (["event_time": .string("at"), "begin": .string("2024-01-01")], "`batch_size`"),
            (["event_time": .string("at"), "batch_size": .string("week"), "begin": .string("2024-01-01")], "not 'week'"),
            (["event_time": .string("at"), "batch_size": .string("day")], "`begin`"),
            (["event_time": .string("at"), "batch_size": .string("day"), "begin": .string("soon")], "`begin`"),
            (["event_time": .string("at"), "batch_size": .string("day"), "begin": .string("2024-01-01"), "lookback": .int(-1)], "`lookback`"),
        ]
        for (values, expected) in cases {
            XCTAssertThrowsError(try MicrobatchPlan(config: config(values), file: "models/m.sql", existing: false, now: now)) { error in
                XCTAssertTrue("\(error)".contains("models/m.sql") && "\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertThrowsError(try MicrobatchPlan(config: config(["event_time": .string("at"), "batch_size": .string("day"), "begin": .string("2024-01-01")]),
                                                file: "m.sql", existing: true, now: now, eventTimeStart: "yesterday"))
    }
}
