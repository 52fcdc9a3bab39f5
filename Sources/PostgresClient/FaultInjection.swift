import Foundation

/// Named points where the reliability suite makes a real rops process fail: with
/// `ROPS_FAULT=<point>` the process kills itself with SIGKILL (as `kill -9` would) when it reaches
/// that point; with `ROPS_FAULT=<point>@stall` it creates the file named by `ROPS_FAULT_MARK` and
/// stops there (holding its transaction and locks) until something kills it or stops the server.
/// Unset, a point costs one comparison.
///
/// Points: `load:<table>:mid-copy`, `load:<table>:swapped` (before its commit),
/// `seed:<name>:replaced` (before its commit), `model:<name>:swapped` (before its commit),
/// `model:<name>:built` (after its commit, before its tests).
public enum FaultInjection {
    private static let armed: (point: String, stall: Bool)? = {
        guard let value = ProcessInfo.processInfo.environment["ROPS_FAULT"], !value.isEmpty else { return nil }
        if value.hasSuffix("@stall") { return (String(value.dropLast("@stall".count)), true) }
        return (value, false)
    }()

    public static var isArmed: Bool { armed != nil }

    public static func reach(_ point: @autoclosure () -> String) {
        guard let armed, armed.point == point() else { return }
        if armed.stall {
            if let mark = ProcessInfo.processInfo.environment["ROPS_FAULT_MARK"] {
                FileManager.default.createFile(atPath: mark, contents: Data(armed.point.utf8))
            }
            while true { sleep(60) }
        }
        kill(getpid(), SIGKILL)
    }
}
