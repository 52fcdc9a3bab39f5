import Foundation

/// `rops compile`: the selected models rendered into `target/compiled/`, and `target/manifest.json`.
public enum CompileOperation {
    public static func run(projectRoot: String, selection: SelectionOptions, vars: String?) throws -> (models: Int, target: String, seconds: Double) {
        let start = Date()
        let session = try ProjectSession(root: projectRoot, context: try CompileSettings.context(vars: vars))
        let models = try session.selectedModels(selection).compactMap(session.model)
        try Artifacts.writeCompiled(models, project: session.project, target: session.targetPath)
        try Artifacts.write(Artifacts.manifest(project: session.project, models: session.models, graph: session.graph,
                                               describe: session.compiler.description, macros: session.compiler.macroDependencies), to: session.targetPath + "/manifest.json")
        return (models.count, session.project.file.targetPath, Date().timeIntervalSince(start))
    }
}
