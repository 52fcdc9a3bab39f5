import Foundation

/// The kinds of node a project graph holds.
public enum ResourceType: String, Sendable, CaseIterable {
    case model, seed, source, test, snapshot
}

/// What the graph needs to know about a node.
public struct GraphNode: Sendable, Equatable {
    public let id: String
    public let name: String
    public let resourceType: ResourceType
    public let path: String
    /// `[project, folder…, name]`.
    public let fqn: [String]
    public let tags: [String]
    public let materialized: String?
    public let dependsOn: [String]

    public init(id: String, name: String, resourceType: ResourceType, path: String, fqn: [String], tags: [String],
                materialized: String?, dependsOn: [String]) {
        self.id = id
        self.name = name
        self.resourceType = resourceType
        self.path = path
        self.fqn = fqn
        self.tags = tags
        self.materialized = materialized
        self.dependsOn = dependsOn
    }
}

public struct GraphError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public let file: String?
    public var description: String { file.map { "\($0): \(message)" } ?? message }
}

/// A directed acyclic graph of nodes; edges go from parent (dependency) to child.
public struct DependencyGraph: Sendable {
    public let nodes: [String: GraphNode]
    public let parents: [String: [String]]
    public let children: [String: [String]]
    /// Every node, parents before children; ties broken by id so the order is stable.
    public let order: [String]

    public init(_ list: [GraphNode]) throws {
        var nodes: [String: GraphNode] = [:]
        for node in list { nodes[node.id] = node }
        var parents: [String: [String]] = [:], children: [String: [String]] = [:]
        for node in list {
            let known = node.dependsOn.filter { nodes[$0] != nil }
            parents[node.id] = known
            for parent in known { children[parent, default: []].append(node.id) }
        }
        for key in children.keys { children[key]!.sort() }
        self.nodes = nodes
        self.parents = parents
        self.children = children
        self.order = try Self.topologicalOrder(nodes: nodes, parents: parents, children: children)
    }

    /// Kahn's algorithm; what is left over lies on a cycle, which is then traced for the message.
    static func topologicalOrder(nodes: [String: GraphNode], parents: [String: [String]], children: [String: [String]]) throws -> [String] {
        var remaining = parents.mapValues { Set($0).count }
        var ready = remaining.filter { $0.value == 0 }.map(\.key).sorted()
        var order: [String] = []
        order.reserveCapacity(nodes.count)
        while !ready.isEmpty {
            let id = ready.removeFirst()
            order.append(id)
            var released: [String] = []
            for child in Set(children[id] ?? []) {
                remaining[child]! -= 1
                if remaining[child] == 0 { released.append(child) }
            }
            if !released.isEmpty {
                ready.append(contentsOf: released)
                ready.sort()
            }
        }
        if order.count < nodes.count {
            let stuck = Set(nodes.keys).subtracting(order)
            let cycle = findCycle(in: stuck, parents: parents)
            let names = cycle.map { nodes[$0]?.name ?? $0 }
            throw GraphError(message: "dependency cycle: " + names.joined(separator: " → "), file: nodes[cycle.first!]?.path)
        }
        return order
    }

    private static func findCycle(in stuck: Set<String>, parents: [String: [String]]) -> [String] {
        // Walk parent links inside the stuck set until a node repeats.
        var path: [String] = []
        var position: [String: Int] = [:]
        var current = stuck.sorted().first!
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            current = (parents[current] ?? []).filter { stuck.contains($0) }.sorted().first!
        }
        // path[i] depends on path[i+1]; print in build order: parent → child.
        var loop = Array(Array(path[position[current]!...]).reversed())
        // Start at the smallest id so the same cycle always reads the same way.
        let start = loop.indices.min { loop[$0] < loop[$1] }!
        loop = Array(loop[start...] + loop[..<start])
        return loop + [loop.first!]
    }

    /// For each node, the heaviest path from it to the end of the graph: its own weight plus the
    /// heaviest of its children's. A scheduler that starts the ready node with the largest value first
    /// keeps the critical path moving and fills the gaps with the rest.
    public func remainingPathWeight(_ weight: (String) -> Double) -> [String: Double] {
        var result: [String: Double] = [:]
        for id in order.reversed() {
            let heaviestChild = (children[id] ?? []).compactMap { result[$0] }.max() ?? 0
            result[id] = weight(id) + heaviestChild
        }
        return result
    }

    /// Ancestors of `id` up to `depth` edges (nil: all).
    public func ancestors(of id: String, depth: Int? = nil) -> Set<String> { walk(from: id, edges: parents, depth: depth) }

    /// Descendants of `id` up to `depth` edges (nil: all).
    public func descendants(of id: String, depth: Int? = nil) -> Set<String> { walk(from: id, edges: children, depth: depth) }

    private func walk(from id: String, edges: [String: [String]], depth: Int?) -> Set<String> {
        var seen: Set<String> = []
        var frontier = [id]
        var level = 0
        while !frontier.isEmpty, depth.map({ level < $0 }) ?? true {
            var next: [String] = []
            for node in frontier {
                for neighbour in edges[node] ?? [] where seen.insert(neighbour).inserted { next.append(neighbour) }
            }
            frontier = next
            level += 1
        }
        return seen
    }
}
