import Foundation
import PostgresClient

/// Rejected records, spilled to a temporary file as COPY rows (memory stays flat however many there are).
final class RejectSpill {
    let file: String
    let path: String
    private let handle: FileHandle
    private(set) var count = 0
    /// The rejection that says the whole document ended early (a truncated JSON file), if any.
    private(set) var documentTruncation: Rejection?

    init(file: String) throws {
        self.file = file
        path = NSTemporaryDirectory() + "rops-rejects-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forUpdatingAtPath: path) else { throw StructuralError(file: file, message: "cannot create a temporary file") }
        self.handle = handle
    }

    func add(_ rejection: Rejection) throws {
        var out: [UInt8] = []
        CopyText.append(file, into: &out); out.append(CopyText.tab)
        CopyText.append(rejection.line, into: &out); out.append(CopyText.tab)
        if rejection.byteOffset >= 0 { CopyText.append(rejection.byteOffset, into: &out) } else { CopyText.appendNull(&out) }
        out.append(CopyText.tab)
        CopyText.append(rejection.reason.rawValue, into: &out); out.append(CopyText.tab)
        CopyText.append(rejection.detail, into: &out); out.append(CopyText.tab)
        CopyText.append(UTF8Check.lossy(rejection.raw), into: &out); out.append(CopyText.tab)
        CopyText.appendBytea(rejection.raw, into: &out); out.append(CopyText.tab)
        out.append(rejection.truncated ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        out.append(CopyText.newline)
        try handle.write(contentsOf: out)
        count += 1
        if rejection.reason == .truncatedJSON { documentTruncation = rejection }
    }

    func stream(into writer: CopyInWriter) throws {
        try handle.seek(toOffset: 0)
        while let block = try handle.read(upToCount: 1 << 20), !block.isEmpty {
            try block.withUnsafeBytes { try writer.write($0) }
        }
    }

    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}
