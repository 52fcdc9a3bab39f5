import Foundation

/// What rops remembers about a project's cluster, in `.rops/postgres/cluster.json` (mode 0600:
/// it holds the role's password).
struct ClusterState: Codable, Equatable {
    var dataDirectory: String
    var socketDirectory: String
    var port: Int
    var role: String
    var database: String
    var password: String
    var bootstrapped: Bool

    static func load(_ path: String) -> ClusterState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(ClusterState.self, from: data)
    }

    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        let created = FileManager.default.createFile(atPath: path, contents: data,
                                                     attributes: [.posixPermissions: 0o600])
        if !created { throw LocalPostgresError.filesystem("could not write \(path)") }
    }
}
