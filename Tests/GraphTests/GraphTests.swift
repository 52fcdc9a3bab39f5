@testable import Graph
import XCTest

final class GraphTests: XCTestCase {
    /// raw → stg_a, stg_b → int_ab → (fct, vw); stg_b → lonely
    func node(_ name: String, _ deps: [String], folder: String = "staging", tags: [String] = [], materialized: String = "view",
              type: String = "model") -> GraphNode {
        GraphNode(id: type == "source" ? "source.shop.\(name)" : "model.\(name)", name: name, resourceType: ResourceType(rawValue: type)!,
                  path: "models/\(folder)/\(name).sql", fqn: ["proj", folder, name], tags: tags, materialized: materialized,
                  dependsOn: deps)
    }

    func sample() throws -> DependencyGraph {
        try DependencyGraph([
            node("orders", [], type: "source"),
            node("stg_a", ["source.shop.orders"], materialized: "table"),
            node("stg_b", [], tags: ["nightly"], materialized: "table"),
            node("int_ab", ["model.stg_a", "model.stg_b"], folder: "intermediate", materialized: "incremental"),
            node("fct", ["model.int_ab"], folder: "queries", tags: ["serving", "nightly"]),
            node("vw", ["model.int_ab"], folder: "queries", tags: ["serving"]),
            node("lonely", ["model.stg_b"], folder: "queries", materialized: "table"),
        ])
    }

    func select(_ expression: String, exclude: String = "") throws -> [String] {
        let graph = try sample()
        var chosen = try Selector([expression]).select(in: graph)
        if !exclude.isEmpty { chosen.subtract(try Selector([exclude]).select(in: graph)) }
        return chosen.map { String($0.dropFirst(6)) }.sorted()
    }

    func testTopologicalOrderPutsParentsFirst() throws {
        let graph = try sample()
        let position = Dictionary(uniqueKeysWithValues: graph.order.enumerated().map { ($1, $0) })
        for (id, parents) in graph.parents {
            for parent in parents { XCTAssertLessThan(position[parent]!, position[id]!, "\(parent) before \(id)") }
        }
        XCTAssertEqual(graph.order.count, 7)
    }

    /// The heaviest remaining path: stg_b's runs through int_ab to the heavier of fct and vw, not
    /// through `lonely`, unless lonely is heavy enough to outweigh that whole chain.
    func testRemainingPathWeightFollowsTheHeaviestChain() throws {
        let graph = try sample()
        var seconds = ["model.stg_a": 30.0, "model.stg_b": 5, "model.int_ab": 40, "model.fct": 2, "model.vw": 1, "model.lonely": 10]
        var weights = graph.remainingPathWeight { seconds[$0] ?? 0 }
        XCTAssertEqual(weights["model.int_ab"], 42)
        XCTAssertEqual(weights["model.stg_a"], 72)
        XCTAssertEqual(weights["model.stg_b"], 47)
        XCTAssertEqual(weights["model.lonely"], 10)
        XCTAssertEqual(weights["source.shop.orders"], 72)
        seconds["model.lonely"] = 50
        weights = graph.remainingPathWeight { seconds[$0] ?? 0 }
        XCTAssertEqual(weights["model.stg_b"], 55)
        // Unit weights: the depth to the end of the graph.
        XCTAssertEqual(graph.remainingPathWeight { _ in 1 }["model.stg_b"], 3)
    }

    func testEstimatedSecondsFollowTheSizeOfWhatEachModelReads() throws {
        // raw_big (100k pages) -> stg_big -> keys_big (operation) ; raw_small (100) -> stg_small -> a chain of three.
        let graph = try DependencyGraph([
            GraphNode(id: "source.raw.big", name: "big", resourceType: .source, path: "models/_sources.yml",
                      fqn: ["p", "raw", "big"], tags: [], materialized: nil, dependsOn: []),
            GraphNode(id: "source.raw.small", name: "small", resourceType: .source, path: "models/_sources.yml",
                      fqn: ["p", "raw", "small"], tags: [], materialized: nil, dependsOn: []),
            model("stg_big_checked", "ephemeral", ["source.raw.big"]),
            model("stg_big", "table", ["model.stg_big_checked"]),
            model("keys_big", "operation", ["model.stg_big"]),
            model("after_keys", "table", ["model.keys_big"]),
            model("stg_small", "table", ["source.raw.small"]),
            model("small_1", "view", ["model.stg_small"]),
            model("small_2", "table", ["model.small_1"]),
            model("small_3", "table", ["model.small_2"]),
        ])
        let pages = ["source.raw.big": 100_000.0, "source.raw.small": 100]
        var seconds = graph.estimatedSeconds(measured: [:], pages: pages)
        XCTAssertEqual(seconds["model.stg_big"]!, 10, accuracy: 1e-9)      // reads the big source through the ephemeral
        XCTAssertEqual(seconds["model.stg_big_checked"], 0.01)             // inlined: free
        XCTAssertEqual(seconds["model.keys_big"]!, 10, accuracy: 1e-9)     // an operation reads its table
        XCTAssertEqual(seconds["model.after_keys"], 0.01)                  // an operation produces nothing to read
        XCTAssertEqual(seconds["model.small_2"]!, 0.01, accuracy: 1e-9)    // 100 pages through a view
        XCTAssertNil(seconds["source.raw.big"])
        // The big chain outranks the longer chain of small models, which unit weights would not.
        let weights = graph.remainingPathWeight { seconds[$0] ?? 0 }
        XCTAssertGreaterThan(weights["model.stg_big"]!, weights["model.stg_small"]!)
        XCTAssertLessThan(graph.remainingPathWeight { _ in 1 }["model.stg_big"]!, graph.remainingPathWeight { _ in 1 }["model.stg_small"]!)
        // Measured seconds win, and a relation that exists is read at its real size.
        seconds = graph.estimatedSeconds(measured: ["model.stg_big": 3], pages: pages.merging(["model.stg_big": 20_000]) { $1 })
        XCTAssertEqual(seconds["model.stg_big"], 3)
        XCTAssertEqual(seconds["model.keys_big"]!, 2, accuracy: 1e-9)
    }

    private func model(_ name: String, _ materialized: String, _ dependsOn: [String]) -> GraphNode {
        GraphNode(id: "model.\(name)", name: name, resourceType: .model, path: "models/\(name).sql",
                  fqn: ["p", name], tags: [], materialized: materialized, dependsOn: dependsOn)
    }

    func testCycleIsReportedWithItsPath() {
        XCTAssertThrowsError(try DependencyGraph([node("a", ["model.c"]), node("b", ["model.a"]), node("c", ["model.b"]),
                                                  node("d", ["model.a"])])) { error in
            let message = (error as! GraphError).message
            XCTAssertEqual(message, "dependency cycle: a → b → c → a")
            XCTAssertEqual((error as! GraphError).file, "models/staging/a.sql")
        }
        XCTAssertThrowsError(try DependencyGraph([node("self_ref", ["model.self_ref"])])) { error in
            XCTAssertEqual((error as! GraphError).message, "dependency cycle: self_ref → self_ref")
        }
    }

    func testSelectionSyntax() throws {
        XCTAssertEqual(try select("int_ab"), ["int_ab"])
        XCTAssertEqual(try select("+int_ab"), ["int_ab", "stg_a", "stg_b"])
        XCTAssertEqual(try select("int_ab+"), ["fct", "int_ab", "vw"])
        XCTAssertEqual(try select("1+fct"), ["fct", "int_ab"])
        XCTAssertEqual(try select("stg_b+1"), ["int_ab", "lonely", "stg_b"])
        XCTAssertEqual(try select("2+fct"), ["fct", "int_ab", "stg_a", "stg_b"])
        XCTAssertEqual(try select("tag:serving"), ["fct", "vw"])
        XCTAssertEqual(try select("tag:serving,tag:nightly"), ["fct"])
        XCTAssertEqual(try select("tag:serving stg_a"), ["fct", "stg_a", "vw"])
        XCTAssertEqual(try select("path:models/queries"), ["fct", "lonely", "vw"])
        XCTAssertEqual(try select("queries"), ["fct", "lonely", "vw"])
        XCTAssertEqual(try select("proj.intermediate"), ["int_ab"])
        XCTAssertEqual(try select("config.materialized:table"), ["lonely", "stg_a", "stg_b"])
        XCTAssertEqual(try select("config.materialized:table,path:models/staging"), ["stg_a", "stg_b"])
        XCTAssertEqual(try select("stg_*"), ["stg_a", "stg_b"])
        XCTAssertEqual(try select("source:shop+"), ["fct", "int_ab", "stg_a", "vw"])
        XCTAssertEqual(try select("source:shop.orders+1"), ["stg_a"])
        XCTAssertEqual(try select("@stg_a"), ["fct", "int_ab", "stg_a", "stg_b", "vw"])
        XCTAssertEqual(try select("+fct", exclude: "stg_b"), ["fct", "int_ab", "stg_a"])
        XCTAssertEqual(try select("*", exclude: "tag:serving"), ["int_ab", "lonely", "stg_a", "stg_b"])
        XCTAssertEqual(try select("nothing_matches"), [])
    }

    func testBadSelectorsAreErrors() {
        XCTAssertThrowsError(try Selector(["colour:red"])) { error in
            XCTAssertTrue("\(error)".contains("unknown selector method 'colour:'"), "\(error)")
        }
        XCTAssertThrowsError(try Selector(["+"]))
    }

    func testAncestorsAndDescendantsWithDepth() throws {
        let graph = try sample()
        XCTAssertEqual(graph.ancestors(of: "model.fct"), ["model.int_ab", "model.stg_a", "model.stg_b", "source.shop.orders"])
        XCTAssertEqual(graph.descendants(of: "model.stg_b", depth: 1), ["model.int_ab", "model.lonely"])
    }

    func testLargeGraphOrdersQuickly() throws {
        var nodes: [GraphNode] = []
        for i in 0..<5000 {
            nodes.append(node("m\(i)", i == 0 ? [] : ["model.m\(i / 2)", "model.m\(max(0, i - 1))"]))
        }
        let start = Date()
        let graph = try DependencyGraph(nodes)
        XCTAssertEqual(graph.order.first, "model.m0")
        XCTAssertLessThan(Date().timeIntervalSince(start), 2.0)
    }
}
