import CLibPQ
import Foundation

extension PostgresConnection {
    /// Runs a `COPY … FROM STDIN` statement and streams what `body` writes into it.
    /// Returns the number of rows the server copied. If `body` throws, the COPY is aborted
    /// (nothing is stored) and the error is rethrown.
    @discardableResult
    public func copyIn(_ sql: String, blockSize: Int = 1 << 20, _ body: (CopyInWriter) throws -> Void) throws -> Int {
        ActiveConnections.shared.register(self)
        defer { ActiveConnections.shared.unregister(self) }
        guard PQsendQuery(handle, sql) == 1 else { throw connectionFailure(statement: sql) }
        guard let start = PQgetResult(handle) else { throw connectionFailure(statement: sql) }
        let status = PQresultStatus(start)
        if status != PGRES_COPY_IN {
            let error = status == PGRES_FATAL_ERROR
                ? Self.error(from: start, statement: sql)
                : PostgresError(kind: .client, message: "not a COPY FROM STDIN statement", statement: sql)
            PQclear(start)
            _ = try? collectResults(statement: sql)
            throw error
        }
        PQclear(start)
        let writer = CopyInWriter(connection: self, blockSize: blockSize)
        do {
            try body(writer)
            try writer.flush()
        } catch {
            PQputCopyEnd(handle, "aborted by the client: \(error)")
            _ = try? collectResults(statement: sql)
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw connectionFailure(statement: sql) }
        let results = try collectResults(statement: sql)
        return results.last?.affectedRows ?? 0
    }

    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        let sent = PQputCopyData(handle, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
        if sent != 1 { throw connectionFailure(statement: nil) }
    }
}

/// Buffers COPY data and hands libpq large blocks; one `PQputCopyData` per block, not per row.
public final class CopyInWriter {
    private let connection: PostgresConnection
    private let blockSize: Int
    private var buffer: [UInt8]

    init(connection: PostgresConnection, blockSize: Int) {
        self.connection = connection
        self.blockSize = max(blockSize, 4096)
        self.buffer = []
        buffer.reserveCapacity(self.blockSize)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.isEmpty && bytes.count >= blockSize {
            try connection.putCopyData(bytes)  // already a large block: no copy
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { try flush() }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try connection.putCopyData($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}
