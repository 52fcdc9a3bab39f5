/// Sets of Int64 keys for `DuplicateKeys`: millions of ids, one insert per record.

/// One bit per value between the smallest and the largest key, for as long as that costs no more
/// than a hash set would (16 bytes a key) plus 32 MB: keys arriving in random order span their
/// range long before they fill it, so any range of up to 256M values is taken whatever the count.
/// Exported ids are dense: 8.9M label ids over a range of 16M take 2 MB of bits, which stay in the
/// CPU cache, where a hash table of the same keys misses the cache on almost every insert
/// (measured: a third of the labels load).
struct DenseIntegerSet {
    enum Outcome { case inserted, present, tooSparse }

    /// Bit k of word w stands for the value `low + 64 * w + k`.
    private var words: [UInt64] = []
    /// A multiple of 64.
    private var low: Int64 = 0
    private(set) var count = 0
    private static let slackWords = (32 << 20) / 8

    /// Adds `key`; `.tooSparse` (and no change) when holding it would take more than the budget.
    mutating func insert(_ key: Int64) -> Outcome {
        if words.isEmpty {
            low = key & ~63
            words = [UInt64](repeating: 0, count: 1024)
        }
        guard let offset = offset(of: key) ?? grow(toHold: key) else { return .tooSparse }
        let word = Int(offset >> 6), bit = UInt64(1) << (offset & 63)
        return words.withUnsafeMutableBufferPointer { buffer in
            if buffer[word] & bit != 0 { return .present }
            buffer[word] |= bit
            count += 1
            return .inserted
        }
    }

    /// The keys in increasing order.
    func sortedKeys() -> [Int64] {
        var keys: [Int64] = []
        keys.reserveCapacity(count)
        for (index, word) in words.enumerated() where word != 0 {
            var rest = word
            while rest != 0 {
                keys.append(low &+ Int64(index) &* 64 &+ Int64(rest.trailingZeroBitCount))
                rest &= rest &- 1
            }
        }
        return keys
    }

    /// `key`'s bit number when it lies in the current range.
    @inline(__always)
    private func offset(of key: Int64) -> UInt64? {
        guard key >= low else { return nil }
        let offset = UInt64(bitPattern: key &- low)  // exact: 0 <= key - low < 2^64
        return offset < UInt64(words.count) &* 64 ? offset : nil
    }

    /// Widens the range towards `key` (at least doubling it, so keys in order cost amortised O(1))
    /// and returns `key`'s bit number, or nil when the wider range would exceed the budget.
    private mutating func grow(toHold key: Int64) -> UInt64? {
        let budget = (2 * (count + 1) + Self.slackWords)
        let keyWord = key >> 6, lowWord = low >> 6
        let (highWord, _) = lowWord.addingReportingOverflow(Int64(words.count))  // one past the last word
        let below = key < low
        // Words the range must span to reach the key; beyond the budget (or Int64) means too sparse.
        let (needed, overflow) = below ? highWord.subtractingReportingOverflow(keyWord)
                                       : keyWord.subtractingReportingOverflow(lowWord - 1)
        guard !overflow, needed <= Int64(budget) else { return nil }
        let total = min(max(Int(needed), 2 * words.count), budget)
        var added = total - words.count
        if below {
            added = Int(min(Int64(added), lowWord - (Int64.min >> 6)))  // low stays an Int64
            // Room below: the old words move up by `added`.
            words = [UInt64](repeating: 0, count: added) + words
            low = (lowWord - Int64(added)) << 6
        } else {
            words += [UInt64](repeating: 0, count: added)
        }
        return offset(of: key)
    }
}

/// A set of Int64 for millions of keys that are not dense: open addressing with linear probing and a
/// multiplicative hash, at most half full. Swift's `Set<Int64>` (SipHash, resizes) took 40% of the
/// labels load (8.9M keys in random order); this does one probe, usually one cache miss, per key.
struct IntegerSet {
    /// Slots; `empty` marks a free one. The key equal to `empty` is remembered apart.
    private var slots = [Int64](repeating: IntegerSet.empty, count: 1 << 16)
    private var shift = 64 - 16
    private var count = 0
    private var hasEmptyKey = false
    private static let empty = Int64.min

    /// Adds `key`; false when it was there already.
    mutating func insert(_ key: Int64) -> Bool {
        if key == Self.empty {
            defer { hasEmptyKey = true }
            return !hasEmptyKey
        }
        if (count + 1) * 2 > slots.count { grow() }
        let inserted = Self.place(key, in: &slots, shift: shift)
        if inserted { count += 1 }
        return inserted
    }

    @inline(__always)
    private static func place(_ key: Int64, in slots: inout [Int64], shift: Int) -> Bool {
        let mask = slots.count - 1
        // Fibonacci hashing: the high bits of key × 2^64/φ spread consecutive ids over the table.
        var index = Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift))
        return slots.withUnsafeMutableBufferPointer { buffer in
            while true {
                let slot = buffer[index]
                if slot == key { return false }
                if slot == empty {
                    buffer[index] = key
                    return true
                }
                index = (index + 1) & mask
            }
        }
    }

    private mutating func grow() {
        var larger = [Int64](repeating: Self.empty, count: slots.count * 2)
        let largerShift = shift - 1
        for key in slots where key != Self.empty { _ = Self.place(key, in: &larger, shift: largerShift) }
        slots = larger
        shift = largerShift
    }
}
