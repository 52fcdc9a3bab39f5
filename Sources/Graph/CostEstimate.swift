import Foundation

extension DependencyGraph {
    /// Heap throughput of one scan-join-write pass per core, for estimates from sizes: about 80 MB
    /// of 8 kB pages a second. Only the ratios between nodes steer the scheduler; this constant
    /// only matters where estimated and measured seconds meet in one path.
    public static let secondsPerPage = 1e-4

    /// Seconds each node is expected to take, for scheduling the critical path first: the seconds
    /// the last run measured where there are any, otherwise the size of what the node reads. On a
    /// first build nothing was measured, and without sizes every model would weigh the same; the
    /// scheduler would then favour long chains of cheap models over the one that reads 13M rows.
    ///
    /// `pages` holds the size of each node's relation where it exists (sources once loaded, models
    /// built before). A node not built yet is taken to be as big as all it reads (a table carries
    /// its inputs on, a view or an ephemeral model is its inputs), except an operation, which
    /// produces no relation. Views and ephemeral models cost nothing to create.
    public func estimatedSeconds(measured: [String: Double], pages: [String: Double]) -> [String: Double] {
        var output: [String: Double] = [:]
        var seconds: [String: Double] = [:]
        for id in order {
            let node = nodes[id]!
            let input = (parents[id] ?? []).reduce(0) { $0 + (output[$1] ?? 0) }
            let kind = node.materialized ?? ""
            if let size = pages[id], size > 0 {
                output[id] = size
            } else {
                output[id] = node.resourceType == .model && kind != "operation" ? input : 0
            }
            guard node.resourceType == .model else { continue }
            if let measuredSeconds = measured[id] {
                seconds[id] = measuredSeconds
            } else if kind == "view" || kind == "ephemeral" {
                seconds[id] = 0.01
            } else {
                seconds[id] = max(input * Self.secondsPerPage, 0.01)
            }
        }
        return seconds
    }
}
