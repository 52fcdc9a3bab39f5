/// Finds records whose key repeats one already loaded (`loader: {unique_key: id}`), while the file
/// streams. The loader marks them `_rops_duplicate = true`, so staging quarantines repeats with a
/// filter instead of sorting the whole table by its key (two 13M/9M-row sorts, ~20 s, before any
/// staging model could start).
///
/// Memory grows with the number of distinct keys, not with the file: single integer keys take a bit
/// each while they are dense (13.3M payment ids: 1.7 MB), else 8 bytes when they arrive in
/// increasing order and 16 to 32 in a hash set when they do not; other keys keep their bytes. Keys are compared by value where a
/// type is declared for a single integer key (`007` repeats `7`, as `id::bigint` would see it),
/// else byte for byte.
struct DuplicateKeys {
    private let columns: [Int]
    /// The declared type when the key is one integer column: its values are compared as numbers.
    private let integerType: DeclaredType?
    /// Integer keys as bits while they are dense (ids in most exports); nil once they were not.
    private var dense: DenseIntegerSet? = DenseIntegerSet()
    /// Integer keys that arrived in increasing order once the dense set gave up: appending is all a
    /// new key costs, and the array stays sorted for the binary search of the keys that did not.
    private var ascending: [Int64] = []
    /// Integer keys that arrived out of order.
    private var integers = IntegerSet()
    private var texts = Set<[UInt8]>()

    /// `key` names columns of `columns`; `types` are the loader's declared types.
    init(key: [String], columns: [String], types: [(column: String, type: DeclaredType)], file: String) throws {
        self.columns = try key.map { name in
            guard let index = columns.firstIndex(of: name) else {
                throw StructuralError(file: file, message: "`unique_key:` names column '\(name)', which the file does not have (its columns: \(columns.joined(separator: ", ")))")
            }
            return index
        }
        integerType = Self.integerType(of: key, types: types)
    }

    /// The declared type of a key that is one integer column, whose values compare as numbers.
    static func integerType(of key: [String], types: [(column: String, type: DeclaredType)]) -> DeclaredType? {
        guard key.count == 1, let declared = types.first(where: { $0.column == key[0] })?.type else { return nil }
        return declared == .integer || declared == .bigint ? declared : nil
    }

    var isEmpty: Bool { columns.isEmpty }

    /// Whether this record's key was seen before in this load (and remembers it if not). A key with
    /// a null part, or a value its declared type rejects, is never a repeat: staging quarantines
    /// those rows for their own reason. `field(index, body)` calls body with a field's bytes or nil.
    mutating func isRepeat(_ field: (Int, (UnsafeBufferPointer<UInt8>?) -> Void) -> Void) -> Bool {
        if let integerType {
            var value: Int64?
            field(columns[0]) { bytes in value = bytes.flatMap { Self.integer($0, type: integerType) } }
            guard let value else { return false }
            return !insertInteger(value)
        }
        var key: [UInt8] = []
        var complete = true
        for index in columns where complete {
            field(index) { bytes in
                guard let bytes else { complete = false; return }
                // Length-prefixed, so ("ab", "c") and ("a", "bc") stay apart.
                CopyBinary.appendInt32(Int32(truncatingIfNeeded: bytes.count), into: &key)
                key.append(contentsOf: bytes)
            }
        }
        return complete && !texts.insert(key).inserted
    }

    /// Adds an integer key; false when it was there already. A hash set of 13M random keys misses
    /// the cache on every insert (a fifth of the loader's time, measured): dense keys never reach
    /// it, nor do sparse keys in order.
    private mutating func insertInteger(_ value: Int64) -> Bool {
        if dense != nil {
            switch dense!.insert(value) {
            case .inserted: return true
            case .present: return false
            case .tooSparse:
                ascending = dense!.sortedKeys()
                dense = nil
            }
        }
        guard let last = ascending.last, value <= last else {
            ascending.append(value)
            return true
        }
        if Self.sortedContains(ascending, value) { return false }
        return integers.insert(value)
    }

    private static func sortedContains(_ sorted: [Int64], _ value: Int64) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == value
    }

    mutating func isRepeat(_ record: CSVScanner.Record) -> Bool {
        isRepeat { index, body in record.withField(index, body) }
    }

    mutating func isRepeat(_ values: [JSONScalar]) -> Bool {
        isRepeat { index, body in
            switch values[index] {
            case .null: body(nil)
            case .text(let bytes): bytes.withUnsafeBufferPointer { body($0) }
            }
        }
    }

    /// The value of an integer the type check accepts (optional `-`, digits, in range), else nil.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>, type: DeclaredType) -> Int64? {
        guard type.accepts(bytes) else { return nil }
        let negative = bytes.first == UInt8(ascii: "-")
        var value: Int64 = 0
        // Accumulate towards the sign so Int64.min does not overflow.
        for byte in bytes.dropFirst(negative ? 1 : 0) {
            let digit = Int64(byte &- 48)
            value = value &* 10 &+ (negative ? -digit : digit)
        }
        return value
    }
}
