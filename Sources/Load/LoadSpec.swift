import Foundation
import Project
import Template

/// A source table's `loader:` block: where its files are and how to read them.
public struct LoadSpec: Sendable {
    public enum Format: String, Sendable { case csv, json }

    public let source: SourceTable
    /// Path or glob, relative to the project root.
    public let pattern: String
    public let format: Format
    public let csv: CSVOptions
    public let layout: JSONLayout
    public let keyColumn: String
    public let valueColumn: String
    /// Column names declared in YAML (`columns:` of the table, or `loader.columns`); the header must match.
    public let declaredColumns: [String]
    /// Column types checked while streaming (`types:`); failures are listed in `_rops_invalid`.
    public let types: [(column: String, type: DeclaredType)]
    /// Key columns (`unique_key:`): records repeating a key loaded before get `_rops_duplicate = true`.
    public let uniqueKey: [String]

    static let keys: Set<String> = ["path", "format", "header", "delimiter", "quote", "escape", "null", "columns",
                                    "json_path", "layout", "key_column", "value_column", "max_record_bytes", "types", "unique_key"]

    /// Nil when the table has no loader block (it is loaded by something else).
    public static func from(_ source: SourceTable) throws -> LoadSpec? {
        guard case .dict(let block)? = source.loader else { return nil }
        func error(_ message: String) -> ProjectError {
            ProjectError(file: source.file, line: source.line, message: "loader of source '\(source.sourceName).\(source.name)': \(message)")
        }
        for key in block.keys.compactMap(\.stringValue) where !keys.contains(key) {
            var message = "unknown key '\(key)'"
            if let suggestion = closest(key, among: keys) { message += "; did you mean '\(suggestion)'?" }
            throw error(message)
        }
        guard let pattern = block.get("path")?.stringValue, !pattern.isEmpty else { throw error("`path:` is required") }
        let formatText = block.get("format")?.stringValue ?? (pattern.lowercased().hasSuffix(".json") || pattern.lowercased().hasSuffix(".ndjson") ? "json" : "csv")
        guard let format = Format(rawValue: formatText) else { throw error("format must be csv or json, not '\(formatText)'") }
        func byte(_ key: String, _ fallback: UInt8?) throws -> UInt8? {
            guard let value = block.get(key) else { return fallback }
            guard let text = value.stringValue, text.utf8.count == 1 else { throw error("`\(key):` must be one character") }
            return text.utf8.first!
        }
        var csv = CSVOptions()
        csv.delimiter = try byte("delimiter", csv.delimiter)!
        csv.quote = try byte("quote", csv.quote)!
        csv.escape = try byte("escape", nil).flatMap { $0 == csv.quote ? nil : $0 }
        csv.header = block.get("header")?.truthy ?? true
        if let null = block.get("null")?.stringValue { csv.nullString = Array(null.utf8) }
        if let maximum = block.get("max_record_bytes")?.intValue { csv.maxRecordBytes = maximum }
        let layoutText = block.get("layout")?.stringValue ?? (block.get("json_path") != nil ? "object_map" : "records")
        let layout: JSONLayout
        switch layoutText {
        case "object_map":
            let path = block.get("json_path")?.stringValue ?? ""
            layout = .objectMap(path: path.split(separator: ".").map(String.init))
        case "records": layout = .records
        default: throw error("layout must be object_map or records, not '\(layoutText)'")
        }
        var declared = source.columns.map(\.name)
        if case .list(let list)? = block.get("columns") { declared = list.items.compactMap(\.stringValue) }
        if !csv.header && format == .csv && declared.isEmpty {
            throw error("a CSV file without a header needs `columns:`")
        }
        var types: [(column: String, type: DeclaredType)] = []
        if let value = block.get("types") {
            guard case .dict(let entries) = value else { throw error("`types:` must map column names to types") }
            for (key, typeValue) in zip(entries.keys, entries.values) {
                guard let column = key.stringValue, let name = typeValue.stringValue else { throw error("`types:` must map column names to types") }
                guard let type = DeclaredType(name: name) else {
                    let names = DeclaredType.allCases.map(\.rawValue).joined(separator: ", ")
                    throw error("unknown type '\(name)' for column '\(column)' in `types:`; use one of \(names)")
                }
                types.append((ColumnNames.normalise(column), type))
            }
        }
        var uniqueKey: [String] = []
        switch block.get("unique_key") {
        case nil: break
        case .list(let list)?: uniqueKey = list.items.compactMap(\.stringValue)
        case let value?:
            guard let name = value.stringValue else { throw error("`unique_key:` must be a column name or a list of them") }
            uniqueKey = [name]
        }
        if uniqueKey.isEmpty && block.get("unique_key") != nil { throw error("`unique_key:` names no column") }
        return LoadSpec(source: source, pattern: pattern, format: format, csv: csv, layout: layout,
                        keyColumn: block.get("key_column")?.stringValue ?? "key",
                        valueColumn: block.get("value_column")?.stringValue ?? "value",
                        declaredColumns: declared.map(ColumnNames.normalise), types: types,
                        uniqueKey: uniqueKey.map(ColumnNames.normalise))
    }

    /// The same source read from `folder`: the pattern's file-name part there.
    public func lookingIn(_ folder: String) -> LoadSpec {
        LoadSpec(source: source, pattern: folder + "/" + URL(fileURLWithPath: pattern).lastPathComponent, format: format, csv: csv,
                 layout: layout, keyColumn: keyColumn, valueColumn: valueColumn, declaredColumns: declaredColumns, types: types,
                 uniqueKey: uniqueKey)
    }

    /// The files the pattern names, sorted; `*`, `?` and `[...]` match within one folder level.
    public func files(projectRoot: String) throws -> [String] {
        let full = pattern.hasPrefix("/") ? pattern : projectRoot + "/" + pattern
        guard pattern.contains(where: { "*?[".contains($0) }) else {
            guard FileManager.default.fileExists(atPath: full) else {
                throw StructuralError(file: pattern, message: "file not found (source \(source.sourceName).\(source.name)); put the file there or fix `loader.path`")
            }
            return [full]
        }
        let folder = URL(fileURLWithPath: full).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: full).lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let matches = entries.filter { fnmatch(name, $0, 0) == 0 }.sorted().map { folder + "/" + $0 }
        guard !matches.isEmpty else { throw StructuralError(file: pattern, message: "no file matches the pattern") }
        return matches
    }
}

/// Column names from headers and JSON keys, made into safe, unique identifiers.
public enum ColumnNames {
    public static func normalise(_ name: String) -> String {
        var text = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        text = String(text.map { $0.isLetter || $0.isNumber ? $0 : "_" })
        while text.contains("__") { text = text.replacingOccurrences(of: "__", with: "_") }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        if text.isEmpty { return "column" }
        if text.first!.isNumber { text = "c_" + text }
        return String(text.prefix(60))
    }

    /// Normalised and made unique (`name`, `name_2`, …); empty names become `column_<n>`.
    public static func unique(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return names.enumerated().map { index, raw in
            var name = normalise(raw)
            if name == "column" { name = "column_\(index + 1)" }
            if let count = seen[name] {
                seen[name] = count + 1
                return "\(name)_\(count + 1)"
            }
            seen[name] = 1
            return name
        }
    }
}
