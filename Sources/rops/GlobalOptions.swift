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

    @Option(name: .customLong("target"), help: ArgumentHelp(
        "A connection named under `targets:` in project.yml (or an output of the dbt profile).",
        discussion: "Outranks DB_CONNECTION_STRING; templates see it as target.name. Same as ROPS_TARGET=<name>.",
        valueName: "name"))
    var target: String?

    /// The target reaches every place that reads the project file through the environment
    /// (dbt's profiles read DBT_TARGET), so commands need not pass it along.
    mutating func validate() throws {
        guard let target else { return }
        setenv(ProjectFile.targetVariable, target, 1)
        setenv("DBT_TARGET", target, 1)
    }

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
