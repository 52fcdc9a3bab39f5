import DataTesting
import Foundation

/// The tests a selection means: those attached to a selected model, and singular tests reading one.
enum TestSelection {
    static func tests(session: ProjectSession, selection: SelectionOptions) throws -> [DataTest] {
        let all = try TestCompiler(project: session.project, compiler: session.compiler).compileAll()
        guard !selection.isEmpty else { return all }
        let selected = Set(try session.selectedModels(selection))
        return all.filter { test in
            if let attached = test.attachedTo, selected.contains(attached) { return true }
            return test.attachedTo == nil && !Set(test.dependsOn).isDisjoint(with: selected)
        }
    }
}
