import Foundation

/// `rops compile`: the selected models rendered into `target/compiled/`, and `target/manifest.json`.
public enum CompileOperation {
    public static func run(projectRoot: String, selection: SelectionOptions, vars: String?) throws -> (models: Int, target: String, seconds: Double) {
        let start = Date()
        let session = try ProjectSession(root: projectRoot, context: try CompileSettings.context(vars: vars))
        let t0 = Date()
        let models = try session.selectedModels(selection).compactMap(session.model)
        let t1 = Date()
        try Artifacts.writeCompiled(models, project: session.project, target: session.targetPath)
        let t2 = Date()
        let manifest = Artifacts.manifest(project: session.project, models: session.models, graph: session.graph,
                                          describe: session.compiler.description, macros: session.compiler.macroDependencies)
        let t3 = Date()
        try Artifacts.write(manifest, to: session.targetPath + "/manifest.json")
        if ProcessInfo.processInfo.environment["ROPS_PROFILE"] != nil {
            FileHandle.standardError.write(Data(String(format: "select %.3fs, write compiled %.3fs, manifest %.3fs, write manifest %.3fs\n",
                                                       t1.timeIntervalSince(t0), t2.timeIntervalSince(t1), t3.timeIntervalSince(t2),
                                                       Date().timeIntervalSince(t3)).utf8))
        }
        return (models.count, session.project.file.targetPath, Date().timeIntervalSince(start))
    }
}
