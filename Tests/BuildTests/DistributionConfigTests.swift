@testable import Build
import Foundation
import Project
import Template
import XCTest

/// `distributed_by` / `reference` configs as the runner reads them (what Citus does with them is
/// checked on a real cluster by `make test-citus`).
final class DistributionConfigTests: XCTestCase {
    func config(_ values: [String: Value]) -> NodeConfig {
        var config = NodeConfig()
        for (key, value) in values { config.set(key, value) }
        return config
    }

    func testNoConfigMeansALocalTable() throws {
        XCTAssertNil(try TableDistribution.of(config([:]), file: "m.sql"))
        XCTAssertNil(try TableDistribution.of(config(["reference": .bool(false), "distributed_by": .none]), file: "m.sql"))
    }

    func testDistributedAndReference() throws {
        XCTAssertEqual(try TableDistribution.of(config(["distributed_by": .string("client_id")]), file: "m.sql"),
                       TableDistribution(kind: .distributed(column: "client_id", colocateWith: nil, shardCount: nil)))
        XCTAssertEqual(try TableDistribution.of(config(["distributed_by": .string("client_id"), "colocate_with": .string("users"),
                                                        "shard_count": .int(8)]), file: "m.sql"),
                       TableDistribution(kind: .distributed(column: "client_id", colocateWith: "users", shardCount: 8)))
        XCTAssertEqual(try TableDistribution.of(config(["reference": .bool(true)]), file: "m.sql"), TableDistribution(kind: .reference))
    }

    func testContradictionsAndBadValuesNameTheFile() {
        let bad: [[String: Value]] = [
            ["reference": .bool(true), "distributed_by": .string("id")],
            ["shard_count": .int(4)],
            ["colocate_with": .string("x")],
            ["distributed_by": .string("id"), "shard_count": .int(0)],
            ["distributed_by": .string("id"), "shard_count": .string("many")],
            ["distributed_by": .string("")],
            ["reference": .bool(true), "shard_count": .int(2)],
        ]
        for values in bad {
            XCTAssertThrowsError(try TableDistribution.of(config(values), file: "models/m.sql"), "\(values)") { error in
                XCTAssertTrue("\(error)".contains("models/m.sql"), "\(error)")
            }
        }
    }

    func testDistributionConfigsAreKnownKeys() {
        for key in ["distributed_by", "colocate_with", "shard_count", "reference"] { XCTAssertTrue(NodeConfig.knownKeys.contains(key), key) }
    }
}
