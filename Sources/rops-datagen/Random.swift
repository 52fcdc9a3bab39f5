import Foundation

/// SplitMix64: fast, seedable, the same sequence on every machine.
struct Random {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func chance(_ p: Double) -> Bool { unit() < p }
    mutating func range(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }

    /// A standard normal variate (Box–Muller).
    mutating func normal() -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// An index drawn with the given cumulative weights.
    mutating func pick(_ cumulative: [Double]) -> Int {
        let target = unit() * cumulative.last!
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func cumulative(_ weights: [Double]) -> [Double] {
        var total = 0.0
        return weights.map { total += $0; return total }
    }
}

/// Appends text and numbers to a byte buffer without building Strings per field.
struct ByteWriter {
    var bytes: [UInt8] = []
    let handle: FileHandle

    init(path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw GeneratorError("cannot write \(path)") }
        self.handle = handle
        bytes.reserveCapacity(8 << 20)
    }

    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func int(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")); int(-value); return }
        if value < 10 { bytes.append(UInt8(48 + value)); return }
        var digits: [UInt8] = []
        var v = value
        while v > 0 { digits.append(UInt8(48 + v % 10)); v /= 10 }
        bytes.append(contentsOf: digits.reversed())
    }

    /// Two digits, zero-padded.
    mutating func int2(_ value: Int) {
        bytes.append(UInt8(48 + value / 10))
        bytes.append(UInt8(48 + value % 10))
    }

    /// Cents as `$12.34` / `$-12.34`, the Kaggle money format.
    mutating func money(cents: Int) {
        bytes.append(UInt8(ascii: "$"))
        if cents < 0 { bytes.append(UInt8(ascii: "-")) }
        int(abs(cents) / 100)
        bytes.append(UInt8(ascii: "."))
        int2(abs(cents) % 100)
    }

    mutating func flushIfLarge() {
        if bytes.count > 4 << 20 { flush() }
    }

    mutating func flush() {
        handle.write(Data(bytes))
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func close() {
        flush()
        handle.closeFile()
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Picks exactly `wanted` of `total` items met one at a time, each subset equally likely (Knuth's
/// selection sampling): the labels file covers round(67%) of the payments, as the real one does
/// (8,914,963 of 13,305,915), not a share that wanders with the seed.
struct ExactSelection {
    private var remaining: Int
    private var wanted: Int
    private var random: Random

    init(wanted: Int, of total: Int, seed: UInt64) {
        self.remaining = total
        self.wanted = min(max(wanted, 0), total)
        self.random = Random(seed: seed)
    }

    /// Whether the next item is picked.
    mutating func next() -> Bool {
        guard remaining > 0 else { return false }
        let picked = Double(remaining) * random.unit() < Double(wanted)
        remaining -= 1
        if picked { wanted -= 1 }
        return picked
    }
}
