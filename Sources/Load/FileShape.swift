import Foundation

/// Cheap facts about a file, read before loading it.
enum FileShape {
    /// True when the only newline, if any, is the last byte.
    static func isSingleLine(_ path: String) throws -> Bool {
        let blocks = try FileBlocks(path: path)
        var newlines = 0
        var lastByteIsNewline = false
        while let block = try blocks.read(upToCount: 8 << 20) {
            block.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count, let found = memchr(base + offset, 10, raw.count - offset) {
                    newlines += 1
                    offset = (UnsafeRawPointer(found) - base) + 1
                }
                lastByteIsNewline = raw[raw.count - 1] == 10
            }
            if newlines > 1 { return false }
        }
        return newlines == 0 || (newlines == 1 && lastByteIsNewline)
    }
}
