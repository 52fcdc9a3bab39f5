import Foundation

/// A value in a result row, decoded from PostgreSQL's text format by column type.
public enum PostgresValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// `numeric` kept as its exact text, so no precision is lost.
    case numeric(String)
    case text(String)
    case bytes([UInt8])

    public var isNull: Bool { self == .null }

    /// The value as text, as `psql` would show it; nil for NULL.
    public var string: String? {
        switch self {
        case .null: return nil
        case .bool(let value): return value ? "t" : "f"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .numeric(let value), .text(let value): return value
        case .bytes(let value): return "\\x" + value.map { String(format: "%02x", $0) }.joined()
        }
    }

    public var int: Int? {
        switch self {
        case .int(let value): return Int(value)
        case .numeric(let text), .text(let text): return Int(text)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .int(let value): return Double(value)
        case .double(let value): return value
        case .numeric(let text), .text(let text): return Double(text)
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var description: String { string ?? "NULL" }
}

/// Type OIDs from `pg_type` that decode to something other than text.
enum TypeOID {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let oid: UInt32 = 26
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let numeric: UInt32 = 1700
}

extension PostgresValue {
    /// Decodes one text-format field of type `oid`.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, oid: UInt32) -> PostgresValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch oid {
        case TypeOID.bool: return .bool(text == "t")
        case TypeOID.int2, TypeOID.int4, TypeOID.int8, TypeOID.oid:
            return Int64(text).map(PostgresValue.int) ?? .numeric(text)
        case TypeOID.float4, TypeOID.float8: return Double(text).map(PostgresValue.double) ?? .numeric(text)
        case TypeOID.numeric: return .numeric(text)
        case TypeOID.bytea: return .bytes(decodeByteaHex(text))
        default: return .text(text)
        }
    }

    private static func decodeByteaHex(_ text: String) -> [UInt8] {
        guard text.hasPrefix("\\x") else { return Array(text.utf8) }
        var output: [UInt8] = []
        output.reserveCapacity((text.utf8.count - 2) / 2)
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            guard let nibble = hexValue(byte) else { continue }
            if let h = high { output.append(h << 4 | nibble); high = nil } else { high = nibble }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Something that can be sent as a bound parameter (`$1`, `$2`, …). Never pasted into SQL.
public protocol PostgresBindable: Sendable {
    var postgresParameter: PostgresParameter { get }
}

/// A parameter as libpq sends it: text (server infers the type) or binary bytea.
public enum PostgresParameter: Sendable, Equatable {
    case null
    case text(String)
    case bytea([UInt8])
}

extension String: PostgresBindable { public var postgresParameter: PostgresParameter { .text(self) } }
extension Substring: PostgresBindable { public var postgresParameter: PostgresParameter { .text(String(self)) } }
extension Int: PostgresBindable { public var postgresParameter: PostgresParameter { .text(String(self)) } }
extension Int32: PostgresBindable { public var postgresParameter: PostgresParameter { .text(String(self)) } }
extension Int64: PostgresBindable { public var postgresParameter: PostgresParameter { .text(String(self)) } }
extension Double: PostgresBindable {
    public var postgresParameter: PostgresParameter {
        if isNaN { return .text("NaN") }
        if isInfinite { return .text(self > 0 ? "Infinity" : "-Infinity") }
        return .text(String(self))
    }
}
extension Bool: PostgresBindable { public var postgresParameter: PostgresParameter { .text(self ? "true" : "false") } }
extension PostgresParameter: PostgresBindable { public var postgresParameter: PostgresParameter { self } }
extension Optional: PostgresBindable where Wrapped: PostgresBindable {
    public var postgresParameter: PostgresParameter { self?.postgresParameter ?? .null }
}
