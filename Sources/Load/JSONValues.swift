import Foundation

/// Checks on JSON keys and values before they go to COPY.
enum JSONValues {
    static func problem(_ values: [JSONScalar]) -> RejectReason? {
        for value in values {
            guard case .text(let bytes) = value else { continue }
            if bytes.contains(0) { return .nulByte }
            if bytes.contains(where: { $0 >= 0x80 }), !bytes.withUnsafeBufferPointer(UTF8Check.isValid) { return .invalidUTF8 }
        }
        return nil
    }

    static func raw(_ values: [JSONScalar]) -> [UInt8] {
        values.map { value -> [UInt8] in
            if case .text(let bytes) = value { return bytes }
            return Array("null".utf8)
        }.joined(separator: Array(": ".utf8)).map { $0 }
    }
}
