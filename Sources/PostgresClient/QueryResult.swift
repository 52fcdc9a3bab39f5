import CLibPQ

/// The outcome of one statement: its rows (if any) and what it changed.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let rows: [Row]
    /// The command tag, e.g. `INSERT 0 3`, `CREATE TABLE`.
    public let commandTag: String
    /// Rows inserted, updated, deleted, copied or selected, when the command reports it.
    public let affectedRows: Int?

    /// Copies a libpq result into Swift values. The caller still owns and clears `result`.
    init(_ result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let names = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        let types = (0..<columnCount).map { UInt32(PQftype(result, Int32($0))) }
        let index = ColumnIndex(names)
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [PostgresValue] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, Int32(r), Int32(c)))
                let pointer = UnsafeRawPointer(PQgetvalue(result, Int32(r), Int32(c))!)
                let bytes = UnsafeBufferPointer(start: pointer.assumingMemoryBound(to: UInt8.self), count: length)
                values.append(PostgresValue.decode(bytes, oid: types[c]))
            }
            rows.append(Row(index: index, values: values))
        }
        self.columns = names
        self.rows = rows
        self.commandTag = String(cString: PQcmdStatus(result))
        let tuples = String(cString: PQcmdTuples(result))
        self.affectedRows = Int(tuples)
    }
}

/// Column names to positions, shared by all rows of a result.
final class ColumnIndex: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (i, name) in names.enumerated() where positions[name] == nil { positions[name] = i }
        self.positions = positions
    }
}

/// One result row; values by position or by column name.
public struct Row: Sendable, CustomStringConvertible {
    let index: ColumnIndex
    public let values: [PostgresValue]

    public var columns: [String] { index.names }

    public subscript(position: Int) -> PostgresValue { values[position] }

    /// The value of column `name`; `.null` when there is no such column.
    public subscript(name: String) -> PostgresValue {
        guard let position = index.positions[name] else { return .null }
        return values[position]
    }

    public var description: String {
        zip(index.names, values).map { "\($0)=\($1)" }.joined(separator: ", ")
    }
}
