import ArgumentParser
import Foundation
import Packages

struct DepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deps",
        abstract: "Install the packages of packages.yml (or dependencies.yml) into dbt_packages/.",
        discussion: """
        Entries as dbt writes them: `- local: ../path` (linked), `- git: <url>` with `revision:` (a tag, \
        branch or commit) and `subdirectory:` (cloned with the git CLI). Packages that the installed \
        packages declare are installed too. Writes package-lock.yml with the installed revisions and \
        dbt's sha1_hash. dbt Hub (`package:`) and `tarball:` entries need a download rops does not \
        make: one already in dbt_packages/ (from `dbt deps`) is kept; otherwise vendor the package and \
        use `local:`, or use `git:` with its repository.

        A package's macros are called as `<package>.<macro>(...)`, its generic tests as \
        `<package>.<test>` in YAML; `dispatch:` in dbt_project.yml sets the macro search order.
        """)

    @OptionGroup var options: GlobalOptions

    func run() throws {
        let start = Date()
        let installed = try PackageInstaller(projectRoot: options.projectRoot, progress: { Console.print($0) }).install()
        Console.print(String(format: "installed %d package%@ in %.2fs%@", installed.count, installed.count == 1 ? "" : "s",
                             Date().timeIntervalSince(start),
                             installed.isEmpty ? "" : ": " + installed.map { "\($0.name) (\($0.origin))" }.joined(separator: ", ")))
    }
}
