import Foundation

/// JSON layouts the loader reads.
public enum JSONLayout: Sendable, Equatable {
    /// `{"target": {"10649266": "No", …}}` at `path` (empty: the top-level object): one row per member.
    case objectMap(path: [String])
    /// `[{…}, {…}]` or one object per line (NDJSON): one row per object, columns from the union of keys.
    case records
}

/// Scans JSON files into rows of scalar values, quarantining members or records of the wrong type.
enum JSONScan {
    typealias RowHandler = (_ line: Int, _ values: [JSONScalar]) throws -> Void
    typealias RejectHandler = (Rejection) throws -> Void

    /// Object-map layout: rows are (key, value).
    static func objectMap(_ input: FileBlocks, path: [String], onRow: RowHandler, onReject: RejectHandler) throws -> Int {
        let reader = ByteReader(input)
        let json = JSONTokenizer(reader: reader)
        var rows = 0
        do {
            try reader.skipBOM()
            try reader.skipWhitespace()
            guard let first = try reader.peek() else { throw StructuralError(file: "", message: "the file is empty") }
            guard first == UInt8(ascii: "{") else {
                throw StructuralError(file: "", message: "expected a JSON object at the top of the file, found '\(Character(Unicode.Scalar(first)))'")
            }
            _ = try reader.next()
            try descend(json, path: path, depth: 0) {
                try json.members { key in
                    let line = reader.line, offset = reader.offset
                    try reader.skipWhitespace()
                    let isNested = try reader.peek() == UInt8(ascii: "{") || reader.peek() == UInt8(ascii: "[")
                    if isNested { reader.capture = [] }
                    let value = try json.scalarOrSkip()
                    if let value {
                        try onRow(line, [.text(key), value])
                        rows += 1
                    } else {
                        let raw = Array("\"".utf8) + key + Array("\": ".utf8) + (reader.capture ?? [])
                        reader.capture = nil
                        try onReject(Rejection(line: line, byteOffset: offset, reason: .wrongJSONType,
                                               detail: "the value of \"\(String(decoding: key, as: UTF8.self))\" is an object or array, not a scalar",
                                               raw: raw, truncated: raw.count >= maxRejectedBytes))
                    }
                }
            }
            try reader.skipWhitespace()
            if try reader.peek() != nil {
                throw JSONSyntax.invalid("unexpected text after the end of the JSON document")
            }
        } catch let syntax as JSONSyntax {
            try onReject(rest(reader, syntax))
        }
        return rows
    }

    /// Walks members until `path` is reached, then runs `body` inside that object; the members
    /// around it are skipped. A missing path or a non-object at it is a structural error.
    private static func descend(_ json: JSONTokenizer, path: [String], depth: Int, _ body: () throws -> Void) throws {
        guard depth < path.count else { return try body() }
        var found = false
        try json.members { key in
            if !found && String(decoding: key, as: UTF8.self) == path[depth] {
                found = true
                try json.reader.skipWhitespace()
                guard try json.reader.peek() == UInt8(ascii: "{") else {
                    throw StructuralError(file: "", message: "\"\(path[..<(depth + 1)].joined(separator: "."))\" is not a JSON object")
                }
                _ = try json.reader.next()
                try descend(json, path: path, depth: depth + 1, body)
            } else {
                try json.skipValue()
            }
        }
        if !found { throw StructuralError(file: "", message: "no member \"\(path[...depth].joined(separator: "."))\" in the JSON document") }
    }

    /// The unreadable rest of a file, as one quarantined record.
    private static func rest(_ reader: ByteReader, _ syntax: JSONSyntax) throws -> Rejection {
        let line = reader.line, offset = reader.offset
        reader.capture = []
        while try reader.next() != nil, reader.capture!.count < maxRejectedBytes {}
        let raw = reader.capture ?? []
        reader.capture = nil
        switch syntax {
        case .truncated:
            return Rejection(line: line, byteOffset: offset, reason: .truncatedJSON,
                             detail: "the JSON document ends in the middle of a value", raw: raw, truncated: false)
        case .invalid(let message):
            return Rejection(line: line, byteOffset: offset, reason: .invalidJSON, detail: message, raw: raw,
                             truncated: raw.count >= maxRejectedBytes)
        }
    }

    /// Records layout, first pass: the union of keys in order of first appearance.
    static func keys(_ input: FileBlocks) throws -> [String] {
        var keys: [String] = []
        var seen: Set<String> = []
        _ = try records(input, columns: nil) { object in
            for key in object.keys where seen.insert(key).inserted { keys.append(key) }
        } onRow: { _, _ in } onReject: { _ in }
        return keys
    }

    /// Records layout: one row per object in `columns` order (absent keys are NULL).
    static func records(_ input: FileBlocks, columns: [String]?, onObject: (([String: JSONScalar]) -> Void)? = nil,
                        onRow: RowHandler, onReject: RejectHandler) throws -> Int {
        let reader = ByteReader(input)
        let json = JSONTokenizer(reader: reader)
        var rows = 0
        try reader.skipBOM()
        try reader.skipWhitespace()
        guard let first = try reader.peek() else { throw StructuralError(file: "", message: "the file is empty") }
        /// Reads one record; nil when it was quarantined instead.
        func parse(_ line: Int, _ offset: Int) throws -> [String: JSONScalar]? {
            reader.capture = []
            try reader.skipWhitespace()
            guard try reader.peek() == UInt8(ascii: "{") else {
                try json.skipValue()
                let raw = trimmed(reader.capture ?? [])
                reader.capture = nil
                try onReject(Rejection(line: line, byteOffset: offset, reason: .wrongJSONType, detail: "a record must be a JSON object",
                                       raw: raw, truncated: false))
                return nil
            }
            _ = try reader.next()
            var object: [String: JSONScalar] = [:]
            var nestedKey: String?
            try json.members { key in
                let name = String(decoding: key, as: UTF8.self)
                if let value = try json.scalarOrSkip() { object[name] = value } else { nestedKey = nestedKey ?? name }
            }
            let raw = reader.capture ?? []
            reader.capture = nil
            if let nestedKey {
                try onReject(Rejection(line: line, byteOffset: offset, reason: .wrongJSONType,
                                       detail: "the value of \"\(nestedKey)\" is an object or array, not a scalar",
                                       raw: trimmed(raw), truncated: false))
                return nil
            }
            return object
        }
        func deliver(_ object: [String: JSONScalar], _ line: Int) throws {
            onObject?(object)
            if let columns {
                try onRow(line, columns.map { object[$0] ?? .null })
                rows += 1
            }
        }
        if first == UInt8(ascii: "[") {
            _ = try reader.next()
            do {
                try json.elements {
                    try reader.skipWhitespace()
                    let line = reader.line
                    if let object = try parse(line, reader.offset) { try deliver(object, line) }
                }
            } catch let syntax as JSONSyntax {
                try onReject(rest(reader, syntax))
            }
        } else {
            // NDJSON: a broken line is quarantined and the next line starts afresh.
            while true {
                try reader.skipWhitespace()
                guard try reader.peek() != nil else { break }
                let line = reader.line, offset = reader.offset
                do {
                    // A record counts once its line ends: text after it quarantines the whole line.
                    let object = try parse(line, offset)
                    while let byte = try reader.peek(), byte == 32 || byte == 9 || byte == 13 { _ = try reader.next() }
                    if let byte = try reader.peek(), byte != 10 { throw JSONSyntax.invalid("text after the object on the same line") }
                    if let object { try deliver(object, line) }
                } catch let syntax as JSONSyntax {
                    if reader.capture == nil { reader.capture = [] }
                    while let byte = try reader.next(), byte != 10 {}
                    let detail: String
                    switch syntax {
                    case .truncated: detail = "the line ends in the middle of a value"
                    case .invalid(let message): detail = message
                    }
                    try onReject(Rejection(line: line, byteOffset: offset, reason: .invalidJSON, detail: detail,
                                           raw: trimmed(reader.capture ?? []), truncated: false))
                    reader.capture = nil
                }
            }
        }
        return rows
    }

    private static func trimmed(_ raw: [UInt8]) -> [UInt8] {
        var bytes = raw
        while let last = bytes.last, last == 10 || last == 13 || last == 32 || last == 44 { bytes.removeLast() }
        return bytes
    }
}
