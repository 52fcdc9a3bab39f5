import ArgumentParser
import Foundation
import Project
import Session

/// Options every command that touches a project or a database accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("project-dir"), help: ArgumentHelp(
        "The project folder (holding project.yml or dbt_project.yml).", discussion: "Default: the nearest folder upward from here that has one, else the current folder.",
        valueName: "path"))
    var projectDir: String?

    @Option(name: .customLong("database-url"), help: ArgumentHelp(
        "PostgreSQL URL or keyword string; overrides DB_CONNECTION_STRING, .env and project.yml.",
        valueName: "url"))
    var databaseURL: String?

    /// The project root: `--project-dir`, else the nearest folder upward with a project.yml.
    var projectRoot: String {
        if let projectDir { return URL(fileURLWithPath: projectDir).standardizedFileURL.path }
        let cwd = FileManager.default.currentDirectoryPath
        var folder = URL(fileURLWithPath: cwd)
        while folder.path != "/" {
            for name in ["project.yml", "dbt_project.yml"] where FileManager.default.fileExists(atPath: folder.path + "/" + name) {
                return folder.path
            }
            folder.deleteLastPathComponent()
        }
        return cwd
    }

    /// The project's database session; its notes (the embedded cluster starting, waiting for the
    /// project lock) go to stderr.
    func database() throws -> DatabaseSession {
        try DatabaseSession(projectRoot: projectRoot, databaseURL: databaseURL, note: { Console.note($0) })
    }
}
