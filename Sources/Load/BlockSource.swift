import Foundation

/// A file read in large blocks, with a running content checksum and a byte count for progress.
public final class FileBlocks {
    private let handle: FileHandle
    public let path: String
    public let size: Int
    public private(set) var bytesRead = 0
    private var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    private var pending: [UInt8] = []
    var onProgress: ((Int) -> Void)?

    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StructuralError(file: path, message: "is a directory, not a data file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StructuralError(file: path, message: "cannot open the file")
        }
        self.handle = handle
        self.size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    deinit { try? handle.close() }

    public func read(upToCount count: Int) throws -> Data? {
        guard let data = try handle.read(upToCount: count), !data.isEmpty else { return nil }
        bytesRead += data.count
        absorb(data)
        onProgress?(bytesRead)
        return data
    }

    /// The checksum of everything read so far (the whole file once the scan finished).
    public var checksum: String {
        var h = hash
        for byte in pending { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(h ^ UInt64(bytesRead), radix: 16)
        return "fnv1a64w:" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// FNV-1a over 8-byte words (eight times faster than byte-wise; a change detector, not a MAC).
    private func absorb(_ data: Data) {
        data.withUnsafeBytes { raw in
            var bytes = UnsafeRawBufferPointer(raw)
            if !pending.isEmpty {
                while pending.count < 8, !bytes.isEmpty { pending.append(bytes[0]); bytes = UnsafeRawBufferPointer(rebasing: bytes.dropFirst()) }
                if pending.count == 8 {
                    var word: UInt64 = 0
                    for (i, b) in pending.enumerated() { word |= UInt64(b) << (8 * UInt64(i)) }
                    hash = (hash ^ word) &* 0x100_0000_01b3
                    pending.removeAll()
                }
            }
            let words = bytes.count / 8
            var h = hash
            for i in 0..<words {
                h = (h ^ bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self).littleEndian) &* 0x100_0000_01b3
            }
            hash = h
            for i in (words * 8)..<bytes.count { pending.append(bytes[i]) }
        }
    }

    /// Reads the whole file to compute its checksum (for `--append`, before deciding to load it).
    public static func checksum(of path: String) throws -> (size: Int, checksum: String) {
        let blocks = try FileBlocks(path: path)
        while try blocks.read(upToCount: 8 << 20) != nil {}
        return (blocks.bytesRead, blocks.checksum)
    }
}
