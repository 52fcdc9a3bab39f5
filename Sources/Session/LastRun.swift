import Foundation

/// Status and time of each node in the last `run_results.json`.
public enum LastRun {
    /// The file's top-level object and its `results`, or nil when it is missing or unreadable.
    private static func load(_ path: String) -> (json: [String: Any], results: [[String: Any]])? {
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let results = json["results"] as? [[String: Any]] else { return nil }
        return (json, results)
    }

    public static func read(_ path: String) -> [String: (status: String, at: String)] {
        guard let (json, results) = load(path) else { return [:] }
        let at = ((json["metadata"] as? [String: Any])?["generated_at"] as? String) ?? ""
        var out: [String: (status: String, at: String)] = [:]
        for result in results {
            if let id = result["unique_id"] as? String, let status = result["status"] as? String { out[id] = (status, at) }
        }
        return out
    }

    /// Seconds each node took in the last run (nodes that ran; skipped ones are left out).
    public static func seconds(_ path: String) -> [String: Double] {
        guard let (_, results) = load(path) else { return [:] }
        var out: [String: Double] = [:]
        for result in results {
            guard let id = result["unique_id"] as? String, result["status"] as? String != "skipped",
                  let seconds = result["execution_time"] as? Double else { continue }
            out[id] = seconds
        }
        return out
    }
}
