import CLibPQ
import Foundation

/// One connection to PostgreSQL. Use it from one thread at a time; `cancel()` may be called from any.
public final class PostgresConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private let cancelHandle: OpaquePointer?
    public let connectionString: ConnectionString
    private let noticeLock = NSLock()
    private var collectedNotices: [PostgresNotice] = []
    /// Called for every notice as it arrives (e.g. to print `raise notice` output live).
    public var onNotice: (@Sendable (PostgresNotice) -> Void)?

    /// Connects with libpq. `applicationName` shows in `pg_stat_activity` unless the DSN sets one.
    public init(_ dsn: ConnectionString, applicationName: String = "rops") throws {
        try dsn.validate()
        let keywords = ["dbname", "fallback_application_name"]
        let values = [dsn.raw, applicationName]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)  // expand_dbname: URL or keywords
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "could not allocate a libpq connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = dsn.scrub(oneLine(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(kind: .connection, sqlState: Self.connectionSQLState(message),
                                message: message)
        }
        handle = connection
        cancelHandle = PQgetCancel(connection)
        connectionString = dsn
        PQsetNoticeReceiver(connection, noticeReceiver, Unmanaged.passUnretained(self).toOpaque())
    }

    public convenience init(_ dsn: String, applicationName: String = "rops") throws {
        try self.init(ConnectionString(dsn), applicationName: applicationName)
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    /// The server's version as an integer, e.g. 150018 for 15.18.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Notices received so far.
    public var notices: [PostgresNotice] {
        noticeLock.lock(); defer { noticeLock.unlock() }
        return collectedNotices
    }

    public func clearNotices() {
        noticeLock.lock(); collectedNotices.removeAll(); noticeLock.unlock()
    }

    fileprivate func record(_ notice: PostgresNotice) {
        noticeLock.lock(); collectedNotices.append(notice); noticeLock.unlock()
        onNotice?(notice)
    }

    // MARK: - Statements

    /// Runs one statement with bound parameters (`$1`, `$2`, …) and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> QueryResult {
        let encoded = try parameters.enumerated().map { try Self.encode($0.element.postgresParameter, position: $0.offset + 1) }
        let sent = encoded.withParameterArrays { values, lengths, formats, types in
            PQsendQueryParams(handle, sql, Int32(encoded.count), types, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw connectionFailure(statement: sql) }
        let results = try collectResults(statement: sql)
        guard let last = results.last else {
            throw PostgresError(kind: .protocolFailure, message: "the server returned no result", statement: sql)
        }
        return last
    }

    /// Runs `sql` and returns its rows.
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> [Row] {
        try execute(sql, parameters).rows
    }

    /// Runs a script of several `;`-separated statements (no parameters), checking every result.
    /// Outside an explicit transaction, PostgreSQL runs the whole script as one implicit transaction.
    @discardableResult
    public func executeScript(_ sql: String) throws -> [QueryResult] {
        guard PQsendQuery(handle, sql) == 1 else { throw connectionFailure(statement: sql) }
        return try collectResults(statement: sql)
    }

    /// Runs `body` inside BEGIN/COMMIT; rolls back and rethrows on any error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("begin")
        do {
            let value = try body()
            try execute("commit")
            return value
        } catch {
            if PQtransactionStatus(handle) != PQTRANS_IDLE { _ = try? execute("rollback") }
            throw error
        }
    }

    /// Asks the server to cancel whatever this connection is running. Safe from any thread.
    @discardableResult
    public func cancel() -> Bool {
        guard let cancelHandle else { return false }
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(cancelHandle, &buffer, Int32(buffer.count)) == 1
    }

    // MARK: - Results

    /// Reads every result of the statement just sent; throws the first error after draining the rest,
    /// so the connection is always ready for the next statement.
    func collectResults(statement: String) throws -> [QueryResult] {
        ActiveConnections.shared.register(self)
        defer { ActiveConnections.shared.unregister(self) }
        var results: [QueryResult] = []
        var firstError: PostgresError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                results.append(QueryResult(result))
            case PGRES_COPY_IN:
                // A COPY FROM STDIN sent through execute(): refuse it so the connection stays usable.
                PQputCopyEnd(handle, "use copyIn() for COPY FROM STDIN")
            case PGRES_COPY_OUT:
                drainCopyOut()
            default:
                if firstError == nil { firstError = Self.error(from: result, statement: statement) }
            }
        }
        if let firstError { throw firstError }
        if PQstatus(handle) != CONNECTION_OK { throw connectionFailure(statement: statement) }
        return results
    }

    private func drainCopyOut() {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(handle, &buffer, 0) > 0 {
            PQfreemem(buffer)
        }
    }

    func connectionFailure(statement: String?) -> PostgresError {
        PostgresError(kind: .protocolFailure, message: oneLine(String(cString: PQerrorMessage(handle))),
                      statement: statement)
    }

    static func error(from result: OpaquePointer, statement: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        // libpq's field codes are ASCII letters: PG_DIAG_SQLSTATE is 'C', and so on.
        let message = field(Int32(UInt8(ascii: "M"))) ?? oneLine(String(cString: PQresultErrorMessage(result)))
        return PostgresError(
            kind: .server,
            sqlState: field(Int32(UInt8(ascii: "C"))) ?? "",
            severity: field(Int32(UInt8(ascii: "V"))) ?? field(Int32(UInt8(ascii: "S"))) ?? "ERROR",
            message: message,
            detail: field(Int32(UInt8(ascii: "D"))),
            hint: field(Int32(UInt8(ascii: "H"))),
            position: field(Int32(UInt8(ascii: "P"))).flatMap { Int($0) },
            statement: statement)
    }

    /// libpq reports connection failures as text only; recognise the common SQLSTATEs from it.
    static func connectionSQLState(_ message: String) -> String {
        if message.contains("password authentication failed") { return SQLState.invalidPassword }
        if message.contains("does not exist") && message.contains("database") { return "3D000" }
        return "08001"
    }

    static func encode(_ parameter: PostgresParameter, position: Int) throws -> EncodedParameter {
        switch parameter {
        case .null: return EncodedParameter(bytes: nil, format: 0, type: 0)
        case .text(let text):
            // libpq sends text parameters as C strings: a NUL would silently cut the value short.
            if text.utf8.contains(0) {
                throw PostgresError(kind: .client, sqlState: SQLState.characterNotInRepertoire,
                                    message: "parameter $\(position) contains a NUL byte, which PostgreSQL text cannot store")
            }
            return EncodedParameter(bytes: Array(text.utf8) + [0], format: 0, type: 0)
        case .bytea(let bytes):
            return EncodedParameter(bytes: bytes, format: 1, type: TypeOID.bytea)
        }
    }
}

/// A parameter ready for `PQsendQueryParams`.
struct EncodedParameter {
    let bytes: [UInt8]?
    let format: Int32
    let type: UInt32
}

extension Array where Element == EncodedParameter {
    /// Pins every parameter's bytes and hands libpq the four parallel arrays it wants.
    func withParameterArrays<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, UnsafePointer<Oid>?) -> R
    ) -> R {
        let lengths = map { Int32($0.bytes?.count ?? 0) }
        let formats = map(\.format)
        let types = map { Oid($0.type) }
        let storage = map { parameter -> UnsafeMutablePointer<CChar>? in
            guard let bytes = parameter.bytes else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: Swift.max(bytes.count, 1))
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawPointer(pointer).copyMemory(from: raw.baseAddress ?? UnsafeRawPointer(pointer), byteCount: bytes.count)
            }
            return pointer
        }
        defer { storage.forEach { $0?.deallocate() } }
        let values = storage.map { UnsafePointer($0) }
        return values.withUnsafeBufferPointer { valuePointers in
            lengths.withUnsafeBufferPointer { lengthPointers in
                formats.withUnsafeBufferPointer { formatPointers in
                    types.withUnsafeBufferPointer { typePointers in
                        body(valuePointers.baseAddress, lengthPointers.baseAddress, formatPointers.baseAddress, typePointers.baseAddress)
                    }
                }
            }
        }
    }
}

/// libpq hands notices to a C callback; route them to the connection that received them.
private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
    func field(_ letter: Character) -> String {
        guard let value = PQresultErrorField(result, Int32(letter.asciiValue!)) else { return "" }
        return String(cString: value)
    }
    connection.record(PostgresNotice(severity: field("V"), sqlState: field("C"), message: field("M")))
}

func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicated = strings.map { strdup($0) }
    defer { duplicated.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicated.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
