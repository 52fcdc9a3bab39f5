import Foundation

/// Which of the project's macros (root and packages) a node's SQL calls, directly or through other
/// macros, found by the names it calls (`name(`, `pkg.name(`, `adapter.dispatch('name', …)`): what
/// `state:modified.macros` compares, and the manifest's `depends_on.macros`. A macro's checksum is
/// that of its file, so an edit anywhere in a file counts for each macro it defines.
public struct MacroDependencies: Sendable {
    public struct Macro: Sendable {
        public let id: String
        public let name: String
        public let package: String
        public let path: String
        public let checksum: String
    }

    /// Macro id (`macro.<package>.<name>`) → macro.
    public let macros: [String: Macro]
    private let byName: [String: [Macro]]
    /// Macro file → the macro ids its text calls (scanned once).
    private var fileCalls: [String: Set<String>] = [:]
    private let root: String

    public init(project: Project, macroNames: [String: [String]]) {
        var macros: [String: Macro] = [:]
        var byName: [String: [Macro]] = [:]
        for file in project.macroFiles {
            let package = Self.package(of: file, in: project)
            for name in macroNames[file.path] ?? [] {
                let macro = Macro(id: "macro.\(package).\(name)", name: name, package: package, path: file.path,
                                  checksum: Digest.sha1(file.source))
                macros[macro.id] = macro
                byName[name, default: []].append(macro)
            }
        }
        self.macros = macros
        self.byName = byName
        self.root = project.file.name
        for file in project.macroFiles { fileCalls[file.path] = direct(file.source, package: Self.package(of: file, in: project)) }
    }

    private static func package(of file: MacroFile, in project: Project) -> String { file.package.isEmpty ? project.file.name : file.package }

    /// The macro ids `sql` reaches, sorted.
    public func of(_ sql: String, package: String? = nil) -> [String] {
        var found: Set<String> = []
        var frontier = Array(direct(sql, package: package ?? root))
        while let id = frontier.popLast() {
            guard found.insert(id).inserted, let macro = macros[id] else { continue }
            frontier += (fileCalls[macro.path] ?? []).filter { !found.contains($0) }
        }
        return found.sorted()
    }

    private static let call = try! NSRegularExpression(pattern: #"([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\s*\("#)
    private static let dispatch = try! NSRegularExpression(pattern: #"dispatch\(\s*['"]([A-Za-z0-9_]+)['"]"#)

    private func direct(_ text: String, package: String) -> Set<String> {
        var ids: Set<String> = []
        let range = NSRange(text.startIndex..., in: text)
        for match in Self.call.matches(in: text, range: range) {
            let first = String(text[Range(match.range(at: 1), in: text)!])
            if let second = Range(match.range(at: 2), in: text).map({ String(text[$0]) }) {
                if let macro = byName[second]?.first(where: { $0.package == first }) { ids.insert(macro.id) }
            } else if let candidates = byName[first] {
                let chosen = candidates.first { $0.package == package } ?? candidates.first { $0.package == root }
                if let chosen { ids.insert(chosen.id) }
            }
        }
        for match in Self.dispatch.matches(in: text, range: range) {
            let name = String(text[Range(match.range(at: 1), in: text)!])
            for prefix in ["postgres__", "default__"] { for macro in byName[prefix + name] ?? [] { ids.insert(macro.id) } }
        }
        return ids
    }
}
