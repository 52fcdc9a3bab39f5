/// Types a loader can check while it streams (`loader: {types: {amount: currency}}`).
///
/// Raw tables stay text, so nothing is lost, but checking a value in SQL costs a regular expression
/// per row and column: on 13M rows that is tens of seconds, while these byte checks cost nanoseconds.
/// Each check accepts a strict subset of what PostgreSQL's input function accepts, so a value that
/// passes always casts (`id::bigint`, `date::timestamp`, `replace(amount, '$', '')::numeric(20,2)`);
/// a value that fails is named in the row's `_rops_invalid` column for staging to quarantine.
public enum DeclaredType: String, Sendable, CaseIterable {
    case integer, bigint, numeric, currency, date, timestamp, monthYear = "month_year", boolean

    public init?(name: String) {
        switch name.lowercased() {
        case "integer", "int", "int4": self = .integer
        case "bigint", "int8": self = .bigint
        case "numeric", "decimal": self = .numeric
        case "currency", "money": self = .currency
        case "date": self = .date
        case "timestamp": self = .timestamp
        case "month_year": self = .monthYear
        case "boolean", "bool": self = .boolean
        default: return nil
        }
    }

    /// Whether `bytes` (a non-null field) casts to this type.
    public func accepts(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = ByteCursor(bytes)
        switch self {
        case .integer: return scanner.integer(maxDigits: 10, limit: UInt64(Int32.max)) && scanner.atEnd
        case .bigint: return scanner.integer(maxDigits: 19, limit: UInt64(Int64.max)) && scanner.atEnd
        case .numeric: return scanner.decimal() && scanner.atEnd
        case .currency:
            let sign = scanner.take(UInt8(ascii: "-"))
            guard scanner.take(UInt8(ascii: "$")) else { return false }
            if !sign { _ = scanner.take(UInt8(ascii: "-")) }
            // At most 17 whole digits: the value then fits numeric(20,2) even after rounding up the cents.
            return scanner.unsignedDecimal(maxWhole: 17) && scanner.atEnd
        case .date: return scanner.date() && scanner.atEnd
        case .timestamp:
            guard scanner.date() else { return false }
            guard scanner.take(UInt8(ascii: " ")) || scanner.take(UInt8(ascii: "T")) else { return false }
            return scanner.time() && scanner.atEnd
        case .monthYear:
            guard let month = scanner.number(minDigits: 1, maxDigits: 2), (1...12).contains(month),
                  scanner.take(UInt8(ascii: "/")), let year = scanner.number(minDigits: 4, maxDigits: 4), year >= 1 else { return false }
            return scanner.atEnd
        case .boolean:
            let text = String(decoding: bytes, as: UTF8.self).lowercased()
            return ["t", "f", "true", "false", "y", "n", "yes", "no", "on", "off", "1", "0"].contains(text)
        }
    }

    public func accepts(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { accepts($0) }
    }
}

/// A forward-only reader over a field's bytes.
struct ByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Counts the digits from the cursor on and moves past them.
    mutating func digits() -> Int {
        let start = index
        while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
        return index - start
    }

    /// An optional `-` and up to `maxDigits` digits whose value is at most `limit` (or limit + 1 when
    /// negative). `maxDigits` ≤ 19, so the value is read into a UInt64 without overflow.
    mutating func integer(maxDigits: Int, limit: UInt64) -> Bool {
        let negative = take(UInt8(ascii: "-"))
        let start = index
        let count = digits()
        guard count > 0, count <= maxDigits else { return false }
        guard count == maxDigits else { return true }
        var value: UInt64 = 0
        for k in start..<index { value = value &* 10 &+ UInt64(bytes[k] &- 48) }
        return value <= (negative ? limit + 1 : limit)
    }

    /// `-?` then digits with an optional fraction; at least one digit; at most 1000 digits in all.
    mutating func decimal() -> Bool {
        _ = take(UInt8(ascii: "-"))
        return unsignedDecimal()
    }

    mutating func unsignedDecimal(maxWhole: Int = 1000) -> Bool {
        let whole = digits()
        guard whole <= maxWhole else { return false }
        var fraction = 0
        if take(UInt8(ascii: ".")) { fraction = digits() }
        return whole + fraction > 0 && whole + fraction <= 1000
    }

    /// Exactly `minDigits...maxDigits` digits as a number.
    mutating func number(minDigits: Int, maxDigits: Int) -> Int? {
        let start = index
        let count = digits()
        guard count >= minDigits, count <= maxDigits else { return nil }
        var value = 0
        for k in start..<index { value = value * 10 + Int(bytes[k] &- 48) }
        return value
    }

    /// `YYYY-MM-DD`, a real calendar day.
    mutating func date() -> Bool {
        guard let year = number(minDigits: 4, maxDigits: 4), year >= 1, take(UInt8(ascii: "-")),
              let month = number(minDigits: 2, maxDigits: 2), (1...12).contains(month), take(UInt8(ascii: "-")),
              let day = number(minDigits: 2, maxDigits: 2), day >= 1 else { return false }
        return day <= Self.daysIn(month: month, year: year)
    }

    /// No array here: this runs for every date and timestamp field, and an array literal is a malloc.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff`.
    mutating func time() -> Bool {
        guard let hour = number(minDigits: 2, maxDigits: 2), hour < 24, take(UInt8(ascii: ":")),
              let minute = number(minDigits: 2, maxDigits: 2), minute < 60 else { return false }
        guard take(UInt8(ascii: ":")) else { return true }
        guard let second = number(minDigits: 2, maxDigits: 2), second < 60 else { return false }
        guard take(UInt8(ascii: ".")) else { return true }
        let fraction = digits()
        return fraction >= 1 && fraction <= 6
    }
}

/// The declared types of one file's columns, checked per record while it streams.
struct TypeChecks {
    // Three plain arrays, not an array of (index, name, type) tuples: the per-record loop then has
    // no reference-counted element (a name) to retain and release per field.
    private let indices: [Int]
    private let types: [DeclaredType]
    private let names: [[UInt8]]

    init(_ types: [(column: String, type: DeclaredType)], columns: [String], file: String) throws {
        indices = try types.map { column, _ in
            guard let index = columns.firstIndex(of: column) else {
                throw StructuralError(file: file, message: "`types:` names column '\(column)', which the file does not have (its columns: \(columns.joined(separator: ", ")))")
            }
            return index
        }
        self.types = types.map(\.type)
        names = types.map { Array($0.column.utf8) }
    }

    var isEmpty: Bool { indices.isEmpty }

    /// Appends the failing columns, comma-separated, as a binary COPY text field, or NULL when every value passes.
    func appendFailures(of record: CSVScanner.Record, binary out: inout [UInt8]) {
        var lengthAt: Int?
        for k in indices.indices where !record.withField(indices[k], { $0.map(types[k].accepts) ?? true }) {
            if lengthAt == nil {
                lengthAt = out.count
                CopyBinary.appendInt32(0, into: &out)
            } else {
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: names[k])
        }
        guard let lengthAt else { CopyBinary.appendInt32(-1, into: &out); return }
        CopyBinary.setInt32(Int32(out.count - lengthAt - 4), at: lengthAt, in: &out)
    }

    /// The failing columns of a JSON record, comma-separated, or nil.
    func failures(of values: [JSONScalar]) -> [UInt8]? {
        var out: [UInt8] = []
        for k in indices.indices {
            guard case .text(let bytes) = values[indices[k]] else { continue }
            if !bytes.withUnsafeBufferPointer(types[k].accepts) {
                if !out.isEmpty { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: names[k])
            }
        }
        return out.isEmpty ? nil : out
    }
}
