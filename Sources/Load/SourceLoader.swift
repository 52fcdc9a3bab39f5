import Foundation
import PostgresClient
import Project

/// Loads one source table: streams its files through COPY into a new table (full load) or the
/// existing one (`append`), quarantines bad records in `<table>__rejected`, and records each file in
/// `rops_meta.loads`. A full load is one transaction ending in a rename swap: a crash or Ctrl-C
/// leaves the previous data as it was, and no partial table is ever visible.
public final class SourceLoader {
    let spec: LoadSpec
    let projectRoot: String
    let connection: PostgresConnection
    let append: Bool
    /// Replace the table even when the new data is much smaller, or a file ends mid-document.
    let allowShrink: Bool
    let progress: (@Sendable (LoadProgress) -> Void)?

    public init(spec: LoadSpec, projectRoot: String, connection: PostgresConnection, append: Bool, allowShrink: Bool = false,
                progress: (@Sendable (LoadProgress) -> Void)? = nil) {
        self.spec = spec
        self.projectRoot = projectRoot
        self.connection = connection
        self.append = append
        self.allowShrink = allowShrink
        self.progress = progress
    }

    var schema: String { spec.source.schema }
    var table: String { spec.source.identifier }
    var relation: String { SQLText.qualified(schema, table) }
    var rejectedRelation: String { SQLText.qualified(schema, table + "__rejected") }
    var sourceName: String { "\(spec.source.sourceName).\(spec.source.name)" }

    public func run() throws -> SourceLoadResult {
        let start = Date()
        var files: [String] = []
        var results: [FileLoad] = []
        do {
            files = try spec.files(projectRoot: projectRoot)
            let totalBytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
            let columns = try self.columns(of: files[0])
            if append {
                for file in files { results.append(try appendFile(file, columns: columns, totalBytes: totalBytes, doneBefore: results)) }
            } else {
                results = try fullLoad(files, columns: columns, totalBytes: totalBytes)
            }
        } catch {
            recordFailure(files: files.isEmpty ? [spec.pattern] : files, error: error)
            throw error
        }
        return SourceLoadResult(source: sourceName, relation: "\(schema).\(table)", files: results, seconds: Date().timeIntervalSince(start))
    }

    // MARK: - Columns

    /// The raw table's data columns: from the CSV header (checked against YAML), the JSON keys, or key/value.
    func columns(of file: String) throws -> [String] {
        switch spec.format {
        case .csv:
            guard spec.csv.header else { return spec.declaredColumns }
            let names = try readHeader(file)
            let normalised = ColumnNames.unique(names)
            if !spec.declaredColumns.isEmpty && normalised != spec.declaredColumns {
                throw StructuralError(file: relative(file), message: "the header \(names) does not match the declared columns \(spec.declaredColumns)")
            }
            return normalised
        case .json:
            switch spec.layout {
            case .objectMap: return [ColumnNames.normalise(spec.keyColumn), ColumnNames.normalise(spec.valueColumn)]
            case .records:
                if !spec.declaredColumns.isEmpty { return spec.declaredColumns }
                let keys = try JSONScan.keys(try FileBlocks(path: file))
                guard !keys.isEmpty else { throw StructuralError(file: relative(file), message: "no JSON records with keys found") }
                return ColumnNames.unique(keys)
            }
        }
    }

    private struct HeaderRead: Error { let names: [String] }

    private func readHeader(_ file: String) throws -> [String] {
        do {
            try CSVScanner(options: spec.csv, blockSize: 64 << 10).scan(try FileBlocks(path: file), expectedFields: nil,
                onHeader: { throw HeaderRead(names: $0) }, onRecord: { _ in }, onReject: { _ in })
        } catch let header as HeaderRead {
            return header.names
        } catch let error as StructuralError {
            throw StructuralError(file: relative(file), message: error.message)
        }
        throw StructuralError(file: relative(file), message: "the file is empty (no header line)")
    }

    // MARK: - Loads

    private func fullLoad(_ files: [String], columns: [String], totalBytes: Int) throws -> [FileLoad] {
        let started = Date()
        defer {
            if ProcessInfo.processInfo.environment["ROPS_PROFILE"] != nil {
                FileHandle.standardError.write(Data(String(format: "full load transaction: %.2fs\n", Date().timeIntervalSince(started)).utf8))
            }
        }
        let loading = table + "__rops_loading", rejecting = table + "__rops_rejecting"
        let results: [FileLoad] = try connection.transaction {
            try connection.execute("create schema if not exists \(SQLText.identifier(schema))")
            try connection.execute("drop table if exists \(SQLText.qualified(schema, loading)), \(SQLText.qualified(schema, rejecting))")
            try createTables(data: SQLText.qualified(schema, loading), rejected: SQLText.qualified(schema, rejecting), columns: columns, ifMissing: false)
            var results: [FileLoad] = []
            // One key set for all files: a key repeated in a later file is a repeat too.
            var duplicates = try DuplicateKeys(key: spec.uniqueKey, columns: columns, types: spec.types, file: relative(files[0]))
            for file in files {
                results.append(try loadFile(file, into: SQLText.qualified(schema, loading), rejectedInto: SQLText.qualified(schema, rejecting),
                                            columns: columns, duplicates: &duplicates, totalBytes: totalBytes, doneBefore: results,
                                            freeze: true, loadId: try LoadMetadata.nextLoadId(connection)))
            }
            if !allowShrink {
                try ShrinkGuard.check(connection, relation: relation, newRows: results.reduce(0) { $0 + $1.rowsLoaded },
                                      files: results.map(\.file))
            }
            try swap(loading, into: table)
            try swap(rejecting, into: table + "__rejected")
            FaultInjection.reach("load:\(table):swapped")
            for result in results { try recordSuccess(result, mode: "full") }
            return results
        }
        try analyzeAfterCommit()
        return results
    }

    /// `--append`: one file in one transaction. Its rows are copied into a temporary table, flagged
    /// where they repeat a key loaded before (through an index on the raw table's key, built on the
    /// first append), then inserted into the raw table with the file's load id. Appends of one table
    /// take a lock first, so their load ids commit in order: a model that reads the rows with load ids
    /// above the highest it has seen misses none.
    private func appendFile(_ file: String, columns: [String], totalBytes: Int, doneBefore: [FileLoad]) throws -> FileLoad {
        try LoadMetadata.ensure(connection)
        if let unchanged = try loadedUnchanged(file) { return unchanged }
        let (size, checksum) = try FileBlocks.checksum(of: file)
        let (result, rowsBefore): (FileLoad, Double) = try connection.transaction {
            try connection.execute("select pg_advisory_xact_lock(hashtext($1))", ["rops append \(schema).\(table)"])
            // Loaded before, by this process or by another while this one waited for the lock.
            if try !connection.query("""
                select 1 from rops_meta.loads where source = $1 and file = $2 and bytes = $3 and checksum = $4 and status = 'ok' limit 1
                """, [sourceName, relative(file), size, checksum]).isEmpty {
                return (FileLoad(file: relative(file), bytes: size, checksum: checksum, rowsLoaded: 0, rowsRejected: 0, skipped: true), 0)
            }
            try connection.execute("create schema if not exists \(SQLText.identifier(schema))")
            try createTables(data: relation, rejected: rejectedRelation, columns: columns, ifMissing: true)
            let existing = try connection.query("""
                select a.attname as name from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0
                and not a.attisdropped and a.attname not like '\\_rops\\_%' order by a.attnum
                """, [relation]).compactMap { $0["name"].string }
            if existing != columns {
                throw StructuralError(file: relative(file), message: "its columns \(columns) differ from \(schema).\(table)'s \(existing); run a full `rops load` instead of --append")
            }
            let staged = SQLText.qualified("pg_temp", SQLText.truncated(table, keeping: "__rops_append"))
            try connection.execute("drop table if exists \(staged)")
            try createTables(data: staged, rejected: nil, columns: columns, ifMissing: false)
            var duplicates = try DuplicateKeys(key: spec.uniqueKey, columns: columns, types: spec.types, file: relative(file))
            let loadId = try LoadMetadata.nextLoadId(connection)
            let result = try loadFile(file, into: staged, rejectedInto: rejectedRelation, columns: columns,
                                      duplicates: &duplicates, totalBytes: totalBytes, doneBefore: doneBefore, freeze: false, loadId: loadId)
            try flagKeysLoadedBefore(staged)
            let rowsBefore = try connection.query("select reltuples::float8 as n from pg_class where oid = $1::regclass", [relation]).first?["n"].double ?? 0
            try appendStaged(staged)
            try recordSuccess(result, mode: "append")
            return (result, rowsBefore)
        }
        // Statistics again only when the table grew by a tenth: sampling 13M rows for a 10k-row file
        // would cost more than the file's load.
        if !result.skipped && Double(result.rowsLoaded) > 0.1 * max(rowsBefore, 0) { try analyzeAfterCommit() }
        return result
    }

    /// A file loaded before with this size and not modified since that load started: skipped without
    /// reading it (`--watch` and `rops live` look at a 1 GB base file every cycle).
    private func loadedUnchanged(_ file: String) throws -> FileLoad? {
        let attributes = try FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: file).resolvingSymlinksInPath().path)
        guard let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else { return nil }
        let row = try connection.query("""
            select checksum, extract(epoch from started_at)::float8 as started from rops_meta.loads
            where source = $1 and file = $2 and bytes = $3 and status = 'ok' order by load_id desc limit 1
            """, [sourceName, relative(file), size]).first
        guard let row, let started = row["started"].double, modified.timeIntervalSince1970 < started else { return nil }
        return FileLoad(file: relative(file), bytes: size, checksum: row["checksum"].string ?? "", rowsLoaded: 0, rowsRejected: 0, skipped: true)
    }

    /// Moves the staged rows into the raw table, whose loader columns are added where an older
    /// version of rops created it without them.
    private func appendStaged(_ staged: String) throws {
        let target = try connection.query("""
            select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum
            """, [relation]).compactMap { $0["name"].string }
        if !target.contains("_rops_load_id") {
            try connection.execute("alter table \(relation) add column if not exists _rops_load_id bigint")
        }
        // Incremental models take the rows of loads they have not seen (`load_watermark()`): an index
        // finds them without reading the rows of every earlier load. BRIN: rows arrive in load
        // order, so block ranges' min and max find them, for a scan instead of a 13M-row sort.
        let loadIndex = SQLText.identifier(SQLText.truncated(table, keeping: "__rops_load"))
        try connection.execute("create index if not exists \(loadIndex) on \(relation) using brin (_rops_load_id)")
        let stagedColumns = Set(try connection.query("""
            select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped
            """, [staged]).compactMap { $0["name"].string })
        let list = (target + (target.contains("_rops_load_id") ? [] : ["_rops_load_id"])).filter(stagedColumns.contains)
            .map(SQLText.identifier).joined(separator: ", ")
        try connection.execute("insert into \(relation) (\(list)) select \(list) from \(staged)")
        try connection.execute("drop table \(staged)")
    }

    /// Statistics before the load returns, so the first staging query is planned on real row counts.
    /// After the commit, not inside it: a transaction's inserted rows count towards autovacuum's
    /// threshold only when it commits, so an ANALYZE inside it was followed by autovacuum analysing
    /// the same table again while the build reads it.
    private func analyzeAfterCommit() throws {
        try connection.execute("analyze \(relation)")
    }

    /// The data table starts without `_rops_file` in a full load: it is added after the first file
    /// with that file as its default, which PostgreSQL keeps in the catalog instead of in every row.
    private func createTables(data: String, rejected: String?, columns: [String], ifMissing: Bool) throws {
        let guardClause = ifMissing ? "if not exists " : ""
        let columnList = columns.map { "\(SQLText.identifier($0)) text" }.joined(separator: ", ")
        let invalidColumn = spec.types.isEmpty ? "" : ", _rops_invalid text"
        let duplicateColumn = spec.uniqueKey.isEmpty ? "" : ", _rops_duplicate boolean"
        try connection.execute("create table \(guardClause)\(data) (\(columnList)\(ifMissing ? ", _rops_line bigint, _rops_file text" : "")\(invalidColumn)\(duplicateColumn))")
        if ifMissing && !spec.types.isEmpty {
            try connection.execute("alter table \(data) add column if not exists _rops_invalid text")
        }
        if ifMissing && !spec.uniqueKey.isEmpty {
            try connection.execute("alter table \(data) add column if not exists _rops_duplicate boolean")
        }
        guard let rejected else { return }
        try connection.execute("""
            create table \(guardClause)\(rejected) (_rops_file text, _rops_line bigint, _rops_byte_offset bigint, reason text,
                detail text, raw_text text, raw_bytes bytea, raw_truncated boolean)
            """)
    }

    /// Streams one file into `data` (COPY) and its rejections into `rejected` (COPY from a spill file).
    private func loadFile(_ file: String, into data: String, rejectedInto rejected: String, columns: [String],
                          duplicates: inout DuplicateKeys, totalBytes: Int, doneBefore: [FileLoad], freeze: Bool,
                          loadId: Int64) throws -> FileLoad {
        let name = relative(file)
        let existing = Set(try connection.query("""
            select attname as name from pg_attribute where attrelid = $1::regclass and attname in ('_rops_line', '_rops_file', '_rops_load_id') and not attisdropped
            """, [data]).compactMap { $0["name"].string })
        let hasFileColumn = existing.contains("_rops_file"), hasLineColumn = existing.contains("_rops_line")
        let hasLoadColumn = existing.contains("_rops_load_id")
        if hasFileColumn {
            try connection.execute("alter table \(data) alter column _rops_file set default \(try SQLText.literal(name))")
        }
        if hasLoadColumn {
            try connection.execute("alter table \(data) alter column _rops_load_id set default \(loadId)")
        }
        // A one-line JSON document (the labels file): every record is on line 1, so the line is not
        // sent per row but kept as the column's default, like the file name.
        let singleLine = try spec.format == .json && FileShape.isSingleLine(file)
        if singleLine && hasLineColumn {
            try connection.execute("alter table \(data) alter column _rops_line set default 1")
        } else if !singleLine && !hasLineColumn {
            try connection.execute("alter table \(data) add column _rops_line bigint")
        }
        let spill = try RejectSpill(file: name)
        let blocks = try FileBlocks(path: file)
        let bytesBefore = doneBefore.reduce(0) { $0 + $1.bytes }
        let rowsBefore = doneBefore.reduce(0) { $0 + $1.rowsLoaded }
        var rows = 0
        var lastReport = Date.distantPast
        blocks.onProgress = { [progress, sourceName] bytes in
            guard let progress, Date().timeIntervalSince(lastReport) > 0.5 else { return }
            lastReport = Date()
            progress(LoadProgress(source: sourceName, bytesDone: bytesBefore + bytes, bytesTotal: totalBytes, rows: rowsBefore + rows))
        }
        let copyStart = Date()
        defer {
            if ProcessInfo.processInfo.environment["ROPS_PROFILE"] != nil {
                FileHandle.standardError.write(Data(String(format: "copy of %@: %.2fs\n", name, Date().timeIntervalSince(copyStart)).utf8))
            }
        }
        let checks = try TypeChecks(spec.types, columns: columns, file: name)
        let copyColumns = (singleLine ? [] : ["_rops_line"]) + columns + (checks.isEmpty ? [] : ["_rops_invalid"])
            + (duplicates.isEmpty ? [] : ["_rops_duplicate"])
        let fieldCount = copyColumns.count
        do {
            // Binary COPY for both formats: fields go length-prefixed, so nothing is escaped here
            // and the server does not parse the text for delimiters and escapes.
            // FREEZE where this transaction created the table (a full load): rows are written
            // frozen and the pages marked all-visible, so no reader has to set hint bits on 13M
            // rows and rewrite their pages, and no anti-wraparound vacuum rereads the table later.
            // (Measured: no clear change in the first staging scan's CPU at full scale.)
            let options = freeze ? "format binary, freeze" : "format binary"
            try connection.copyIn("copy \(data) (\(copyColumns.map(SQLText.identifier).joined(separator: ", "))) from stdin with (\(options))") { writer in
                let pipe = CopyPipe(writer)
                var out: [UInt8] = []
                out.reserveCapacity(1 << 20 + 65536)
                func flushIfLarge() throws {
                    if out.count >= 1 << 20 {
                        try pipe.put(out)
                        out = []
                        out.reserveCapacity(1 << 20 + 65536)
                    }
                }
                do {
                out.append(contentsOf: CopyBinary.header)
                switch spec.format {
                case .csv:
                    try CSVScanner(options: spec.csv).scan(blocks, expectedFields: columns.count, onHeader: { names in
                        let normalised = ColumnNames.unique(names)
                        guard normalised == columns else {
                            throw StructuralError(file: name, message: "its header \(names) differs from the first file's columns \(columns)")
                        }
                        return columns.count
                    }, onRecord: { record in
                        CopyBinary.appendFieldCount(fieldCount, into: &out)
                        CopyBinary.appendInt64(record.line, into: &out)
                        record.appendCopyBinary(into: &out)
                        if !checks.isEmpty { checks.appendFailures(of: record, binary: &out) }
                        if !duplicates.isEmpty { CopyBinary.appendTrueOrNull(duplicates.isRepeat(record), into: &out) }
                        rows += 1
                        try flushIfLarge()
                    }, onReject: { try spill.add($0) })
                case .json:
                    let onRow: JSONScan.RowHandler = { line, values in
                        if let problem = JSONValues.problem(values) {
                            try spill.add(Rejection(line: line, byteOffset: -1, reason: problem, detail: "a key or value is not valid UTF-8 text",
                                                    raw: JSONValues.raw(values), truncated: false))
                            return
                        }
                        CopyBinary.appendFieldCount(fieldCount, into: &out)
                        if !singleLine { CopyBinary.appendInt64(line, into: &out) }
                        for value in values {
                            switch value {
                            case .null: CopyBinary.appendText(nil, into: &out)
                            case .text(let bytes): CopyBinary.appendText(bytes, into: &out)
                            }
                        }
                        if !checks.isEmpty { CopyBinary.appendText(checks.failures(of: values), into: &out) }
                        if !duplicates.isEmpty { CopyBinary.appendTrueOrNull(duplicates.isRepeat(values), into: &out) }
                        rows += 1
                        try flushIfLarge()
                    }
                    switch spec.layout {
                    case .objectMap(let path): _ = try JSONScan.objectMap(blocks, path: path, onRow: onRow, onReject: { try spill.add($0) })
                    case .records: _ = try JSONScan.records(blocks, columns: columns, onRow: onRow, onReject: { try spill.add($0) })
                    }
                }
                out.append(contentsOf: CopyBinary.trailer)
                if !out.isEmpty { try pipe.put(out) }
                FaultInjection.reach("load:\(self.table):mid-copy")
                try pipe.finish()
                } catch {
                    pipe.abandon()
                    throw error
                }
            }
        } catch let error as StructuralError {
            throw StructuralError(file: name, message: error.message)
        }
        // A constant default added to a filled table is stored once, not per row (PostgreSQL 11+).
        if singleLine && !hasLineColumn {
            try connection.execute("alter table \(data) add column _rops_line bigint default 1")
        }
        if !hasFileColumn {
            try connection.execute("alter table \(data) add column _rops_file text default \(try SQLText.literal(name))")
        }
        // Which load wrote a row, so incremental models can take the rows of loads they have not seen.
        if !hasLoadColumn {
            try connection.execute("alter table \(data) add column _rops_load_id bigint default \(loadId)")
        }
        let rejectedCount = spill.count
        if rejectedCount > 0 {
            try connection.copyIn("copy \(rejected) from stdin") { writer in try spill.stream(into: writer) }
        }
        spill.remove()
        if let cut = spill.documentTruncation, !allowShrink {
            throw StructuralError(file: name, message: "the JSON document ends in the middle of a value at line \(cut.line) (byte \(cut.byteOffset)): "
                                  + "the file looks truncated, so \(schema).\(table) keeps its previous rows; "
                                  + "`rops load --allow-shrink` loads the complete records and quarantines the rest")
        }
        if rows == 0 && rejectedCount == 0 && spec.format == .json {
            throw StructuralError(file: name, message: "no records found")
        }
        return FileLoad(file: name, bytes: blocks.bytesRead, checksum: blocks.checksum, rowsLoaded: rows,
                        rowsRejected: rejectedCount, skipped: false, loadId: loadId)
    }

    /// `--append`: the key set saw only this file, so staged rows repeating a key of an earlier load
    /// are flagged (the first load of a key keeps it; this file's rows repeat it). The raw table's
    /// key index makes that a lookup per staged row instead of a pass over every earlier row.
    private func flagKeysLoadedBefore(_ staged: String) throws {
        guard !spec.uniqueKey.isEmpty else { return }
        let integerKey = DuplicateKeys.integerType(of: spec.uniqueKey, types: spec.types) != nil
        // Integer keys compare as numbers, like the in-memory set; only values the type check passed are cast.
        func key(_ alias: String, _ column: String) -> String {
            let reference = "\(alias).\(SQLText.identifier(column))"
            return integerKey ? "(case when \(alias)._rops_invalid is null then \(reference)::bigint end)" : reference
        }
        let index = SQLText.identifier(SQLText.truncated(table, keeping: "__rops_key"))
        let indexed = spec.uniqueKey.map { key(relation, $0).replacingOccurrences(of: "\(relation).", with: "") }
        try connection.execute("create index if not exists \(index) on \(relation) (\(indexed.joined(separator: ", ")))")
        let matches = spec.uniqueKey.map { "\(key("new", $0)) = \(key("old", $0))" }.joined(separator: " and ")
        try connection.execute("""
            update \(staged) as new set _rops_duplicate = true
            where new._rops_duplicate is not true and exists (select from \(relation) as old where \(matches))
            """)
    }

    /// Puts `staged` in place of `final` in the current transaction (readers wait, never see a gap,
    /// and views over the old table keep its rows until `rops build` re-points them).
    private func swap(_ staged: String, into final: String) throws {
        try RelationSwap(connection).replace(schema: schema, identifier: final, with: staged, kind: "table")
    }

    // MARK: - Metadata

    private func recordSuccess(_ result: FileLoad, mode: String) throws {
        try LoadMetadata.record(connection, loadId: result.loadId, source: sourceName, table: "\(schema).\(table)", file: result.file, bytes: result.bytes,
                                checksum: result.checksum, loaded: result.rowsLoaded, rejected: result.rowsRejected,
                                status: "ok", error: nil, mode: mode)
    }

    private func recordFailure(files: [String], error: Error) {
        _ = try? LoadMetadata.record(connection, source: sourceName, table: "\(schema).\(table)",
                                     file: files.map(relative).joined(separator: ", "), bytes: nil, checksum: nil, loaded: 0, rejected: 0,
                                     status: "error", error: "\(error)", mode: append ? "append" : "full")
    }

    func relative(_ path: String) -> String {
        path.hasPrefix(projectRoot + "/") ? String(path.dropFirst(projectRoot.count + 1)) : path
    }
}

