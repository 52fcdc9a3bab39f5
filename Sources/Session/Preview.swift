import Build
import Foundation
import PostgresClient
import Project

/// `rops show`: a model's compiled SQL run as a subquery, its first rows as text (nothing is built).
public enum Preview {
    public static func rows(of model: String, limit: Int, projectRoot: String, vars: String?,
                            database: DatabaseSession) throws -> (columns: [String], rows: [[String]]) {
        let session = try ProjectSession(root: projectRoot, context: try CompileSettings.context(vars: vars))
        guard let compiled = session.compiler.compiled[model] else {
            var message = "no model named '\(model)'"
            if let suggestion = closest(model, among: session.compiler.compiled.keys) { message += "; did you mean '\(suggestion)'?" }
            throw SessionError(message)
        }
        let sql = SQLCleanup.trimSemicolons(compiled.compiledSQL)
        let rows = try database.connect().query("select * from (\n\(sql)\n) as rops_show limit $1", [limit])
        return (rows.first?.columns ?? [], rows.map { $0.values.map { $0.string ?? "NULL" } })
    }
}
