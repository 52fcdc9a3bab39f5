import Foundation

/// `--dirty RATE`: rewrites the generated transactions and labels with defects the pipeline must
/// quarantine, and writes `dirty_manifest.json` naming each one: where it is, what it is, and the
/// table and reason it must end up in. Tests load the dirty files and check the manifest row by row.
///
/// A defective payment also orphans its label, if it has one: that label must be quarantined as
/// `unknown_transaction`. The manifest lists those consequences too, so "nothing else is lost" can
/// be checked exactly.
struct DefectInjector {
    enum Kind: String, CaseIterable {
        case badAmount = "bad_amount", unparseableDate = "unparseable_date", orphanClient = "orphan_client"
        case orphanCard = "orphan_card", unknownMCC = "unknown_mcc", duplicateID = "duplicate_id"
        case raggedLine = "ragged_line", badUTF8 = "bad_utf8"

        /// Where the row must land: (table, reason).
        var expectation: (table: String, reason: String) {
            switch self {
            case .badAmount: return ("staging.stg_transactions_rejected", "unparseable_amount")
            case .unparseableDate: return ("staging.stg_transactions_rejected", "unparseable_date")
            case .orphanClient: return ("staging.stg_transactions_rejected", "orphan_client")
            case .orphanCard: return ("staging.stg_transactions_rejected", "orphan_card")
            case .unknownMCC: return ("staging.stg_transactions_rejected", "unknown_mcc")
            case .duplicateID: return ("staging.stg_transactions_rejected", "duplicate_id")
            case .raggedLine: return ("raw.transactions__rejected", "wrong_field_count")
            case .badUTF8: return ("raw.transactions__rejected", "invalid_utf8")
            }
        }
    }

    struct Defect {
        let file: String
        let line: Int?
        let key: String
        let kind: String
        let table: String
        let reason: String
    }

    let rate: Double
    var random: Random

    mutating func inject(into folder: String) throws -> [Defect] {
        let labelled = try labelKeys(folder + "/train_fraud_labels.json")
        var defects = try rewriteTransactions(folder + "/transactions_data.csv", labelled: labelled)
        // Consequences: the labels of quarantined payments point at nothing in stg_transactions.
        let consequences = defects.filter { $0.kind != Kind.duplicateID.rawValue && labelled.contains($0.key) }.map {
            Defect(file: "train_fraud_labels.json", line: 1, key: $0.key, kind: "label_of_rejected_transaction",
                   table: "staging.stg_fraud_labels_rejected", reason: "unknown_transaction")
        }
        defects += consequences
        defects += try addUnknownLabels(folder + "/train_fraud_labels.json", count: max(1, defects.count / 8))
        try writeManifest(defects, to: folder + "/dirty_manifest.json")
        return defects
    }

    // MARK: - Transactions

    private mutating func rewriteTransactions(_ path: String, labelled: Set<String>) throws -> [Defect] {
        let input = try LineReader(path: path)
        let temporary = path + ".dirty"
        FileManager.default.createFile(atPath: temporary, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        var buffer: [UInt8] = []
        var defects: [Defect] = []
        var outLine = 0
        var kindIndex = 0
        func emit(_ bytes: [UInt8]) throws {
            buffer.append(contentsOf: bytes)
            buffer.append(UInt8(ascii: "\n"))
            outLine += 1
            if buffer.count > 1 << 20 { output.write(Data(buffer)); buffer.removeAll(keepingCapacity: true) }
        }
        var first = true
        while let line = try input.next() {
            if first { first = false; try emit(line); continue }
            guard random.chance(rate) else { try emit(line); continue }
            let kind = Kind.allCases[kindIndex % Kind.allCases.count]
            kindIndex += 1
            var fields = Self.split(line)
            let id = String(decoding: fields[0], as: UTF8.self)
            switch kind {
            case .badAmount: fields[4] = Array(["$12.3.4", "N/A", "$", "USD 12"][random.below(4)].utf8)
            case .unparseableDate: fields[1] = Array(["2015-13-45 10:00:00", "2016-02-30 12:00:00", "yesterday", "2014-06-01 25:00:00"][random.below(4)].utf8)
            case .orphanClient: fields[2] = Array("99999".utf8)
            case .orphanCard: fields[3] = Array("999999".utf8)
            case .unknownMCC: fields[10] = Array("1234".utf8)
            case .duplicateID, .raggedLine, .badUTF8: break
            }
            switch kind {
            case .duplicateID:
                try emit(line)
                try emit(line)  // the second copy is the defect
            case .raggedLine:
                try emit(Array(Self.join(fields.dropLast()).utf8))
            case .badUTF8:
                fields[7] = Array("Caf".utf8) + [0xC3, 0x28]
                try emit(Array(fields.joined(separator: [UInt8(ascii: ",")])))
            default:
                try emit(Array(fields.joined(separator: [UInt8(ascii: ",")])))
            }
            let expectation = kind.expectation
            defects.append(Defect(file: "transactions_data.csv", line: outLine, key: id, kind: kind.rawValue,
                                  table: expectation.table, reason: expectation.reason))
        }
        output.write(Data(buffer))
        try output.close()
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
        return defects
    }

    /// The fields of a transactions line; only `errors`, the last, is ever quoted.
    static func split(_ line: [UInt8]) -> [[UInt8]] {
        var fields: [[UInt8]] = []
        var current: [UInt8] = []
        var quoted = false
        for byte in line {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == UInt8(ascii: ",") && !quoted {
                fields.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        fields.append(current)
        return fields
    }

    static func join<S: Sequence>(_ fields: S) -> String where S.Element == [UInt8] {
        fields.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",")
    }

    // MARK: - Labels

    private func labelKeys(_ path: String) throws -> Set<String> {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var keys = Set<String>()
        var scanner = text.utf8[...]
        // {"target": {"123": "No", ...}}: every key is a quoted number followed by a colon.
        while let quote = scanner.firstIndex(of: UInt8(ascii: "\"")) {
            scanner = scanner[scanner.index(after: quote)...]
            guard let end = scanner.firstIndex(of: UInt8(ascii: "\"")) else { break }
            let token = scanner[..<end]
            scanner = scanner[scanner.index(after: end)...]
            if scanner.first == UInt8(ascii: ":"), token.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                keys.insert(String(decoding: token, as: UTF8.self))
            }
        }
        return keys
    }

    /// Adds labels for transaction ids that do not exist, just before the closing braces.
    private mutating func addUnknownLabels(_ path: String, count: Int) throws -> [Defect] {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        guard let close = bytes.lastIndex(of: UInt8(ascii: "}")), close > 0,
              let inner = bytes[..<close].lastIndex(of: UInt8(ascii: "}")) else { return [] }
        var defects: [Defect] = []
        var addition = ""
        for index in 0..<count {
            let key = String(900_000_000 + index)
            addition += ", \"\(key)\": \"\(random.chance(0.5) ? "Yes" : "No")\""
            defects.append(Defect(file: "train_fraud_labels.json", line: 1, key: key, kind: "unknown_label",
                                  table: "staging.stg_fraud_labels_rejected", reason: "unknown_transaction"))
        }
        bytes.insert(contentsOf: Array(addition.utf8), at: inner)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return defects
    }

    // MARK: - Manifest

    private func writeManifest(_ defects: [Defect], to path: String) throws {
        var lines: [String] = []
        for defect in defects {
            let line = defect.line.map(String.init) ?? "null"
            lines.append("    {\"file\": \"\(defect.file)\", \"line\": \(line), \"key\": \"\(defect.key)\", \"kind\": \"\(defect.kind)\", \"table\": \"\(defect.table)\", \"reason\": \"\(defect.reason)\"}")
        }
        let text = "{\n  \"rate\": \(rate),\n  \"defects\": [\n" + lines.joined(separator: ",\n") + "\n  ]\n}\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Reads a file line by line (without the newline), in 1 MB blocks.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var eof = false

    init(path: String) throws { handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path)) }

    func next() throws -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[position..<newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                position = newline + 1
                return line
            }
            if eof {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            if let data = try handle.read(upToCount: 1 << 20), !data.isEmpty { buffer.append(contentsOf: data) } else { eof = true }
        }
    }
}
