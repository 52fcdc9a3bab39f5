import Foundation

/// Further batches after the base files (`--batch N`, `--stream`): the same clients and cards, time
/// moving on from the last payment, and the labels of about half the labelled payments held back to
/// the next batch (labels arrive after the payment, as chargebacks do). Each batch lands as
/// `transactions_data_batch<k>.csv` and then `train_fraud_labels_batch<k>.json`, each written under a
/// hidden name and renamed, so a watcher never reads half a file. Where the stream stands is kept in
/// `<out>/.rops-datagen-stream.json`.
struct BatchStream {
    struct State: Codable {
        var batch: Int
        var nextId: Int
        var year: Int, month: Int, day: Int, minute: Int
        /// Payments per day, as in the base file.
        var perDay: Double
        /// Labels decided but not yet written: [transaction id, 1 when fraud].
        var pending: [[Int]]
    }

    let out: String
    let seed: UInt64
    let fraudRate: Double
    let labelShare = 0.67
    var maker: PaymentMaker

    var statePath: String { out + "/.rops-datagen-stream.json" }

    /// The stream's state, or one read from the end of the base transactions file.
    func state() throws -> State {
        if let data = FileManager.default.contents(atPath: statePath) { return try JSONDecoder().decode(State.self, from: data) }
        let base = out + "/transactions_data.csv"
        guard let first = try Self.line(of: base, fromEnd: false), let last = try Self.line(of: base, fromEnd: true) else {
            throw GeneratorError("\(base) is missing or empty: write the base files first (rops-datagen without --batch)")
        }
        let (firstId, _) = try Self.idAndTime(first, file: base)
        let (lastId, time) = try Self.idAndTime(last, file: base)
        let perDay = max(1, Double(lastId - firstId + 1) / Double(Generator.days().count))
        return State(batch: 0, nextId: lastId + 1, year: time.0, month: time.1, day: time.2, minute: time.3, perDay: perDay, pending: [])
    }

    /// Writes the next batch of `count` payments and returns what it wrote.
    mutating func writeBatch(_ count: Int) throws -> String {
        var state = try state()
        state.batch += 1
        var random = Random(seed: seed ^ (0xB47C_4000_0000 &+ UInt64(state.batch)))
        var payments: [Payment] = []
        payments.reserveCapacity(count)
        var day = (state.year, state.month, state.day)
        var after = state.minute
        var payment = Payment(id: state.nextId)
        while payments.count < count {
            for minute in maker.minutes(max(1, Int(state.perDay.rounded())), &random) where minute > after && payments.count < count {
                maker.fill(&payment, day: day, minute: minute, &random)
                payments.append(payment)
                payment.id += 1
            }
            if payments.count < count { day = Self.nextDay(day); after = -1 }
        }
        // Labels: the calibration of the base files (the target rate over labelled payments).
        let labelled = payments.filter { _ in random.chance(labelShare) }
        let weights = labelled.reduce(0) { $0 + $1.fraudWeight }
        let base = weights > 0 ? fraudRate * Double(labelled.count) / weights : 0
        var now: [(UInt32, Bool)] = state.pending.map { (UInt32($0[0]), $0[1] == 1) }
        var later: [[Int]] = []
        for p in labelled {
            let fraud = random.chance(min(0.95, base * p.fraudWeight))
            if random.chance(0.5) { now.append((UInt32(p.id), fraud)) } else { later.append([p.id, fraud ? 1 : 0]) }
        }
        for i in stride(from: now.count - 1, to: 0, by: -1) { now.swapAt(i, random.below(i + 1)) }
        let name = String(format: "batch%06d", state.batch)
        try land(out + "/transactions_data_\(name).csv") { path in
            var writer = try ByteWriter(path: path)
            writer.text(Generator.transactionsHeader)
            for p in payments { Generator.writeRow(p, to: &writer); writer.flushIfLarge() }
            writer.close()
        }
        if !now.isEmpty {
            try land(out + "/train_fraud_labels_\(name).json") { try Generator.writeLabels(now, path: $0) }
        }
        let last = payments.last!
        (state.nextId, state.year, state.month, state.day, state.minute) = (last.id + 1, last.year, last.month, last.day, last.hour * 60 + last.minute)
        state.pending = later
        try JSONEncoder().encode(state).write(to: URL(fileURLWithPath: statePath), options: .atomic)
        let first = payments.first!
        return String(format: "batch %d: %d transactions (ids %d-%d, %04d-%02d-%02d to %04d-%02d-%02d), %d labels (%d for earlier payments) to %@",
                      state.batch, payments.count, first.id, last.id, first.year, first.month, first.day, last.year, last.month, last.day,
                      now.count, now.count - (labelled.count - later.count), out)
    }

    /// Writes under a hidden name, then renames into place: the file appears whole or not at all.
    private func land(_ path: String, _ write: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let hidden = url.deletingLastPathComponent().appendingPathComponent("." + url.lastPathComponent + ".partial").path
        try write(hidden)
        guard rename(hidden, path) == 0 else { throw GeneratorError("cannot rename \(hidden) to \(path): \(String(cString: strerror(errno)))") }
    }

    static func nextDay(_ day: (Int, Int, Int)) -> (Int, Int, Int) {
        let (year, month, date) = day
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        if date < length { return (year, month, date + 1) }
        return month < 12 ? (year, month + 1, 1) : (year + 1, 1, 1)
    }

    /// `7475327,2010-01-01 00:01:00,…` → (7475327, (2010, 1, 1, 1)).
    static func idAndTime(_ line: String, file: String) throws -> (Int, (Int, Int, Int, Int)) {
        let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        let time = fields.count > 1 ? fields[1].split(whereSeparator: { "- :".contains($0) }).compactMap { Int($0) } : []
        guard fields.count > 2, let id = Int(fields[0]), time.count >= 5 else {
            throw GeneratorError("\(file): cannot read the id and date of \"\(line.prefix(80))\"")
        }
        return (id, (time[0], time[1], time[2], time[3] * 60 + time[4]))
    }

    /// The first data line (after the header) or the last line of a file, without reading it all.
    static func line(of path: String, fromEnd: Bool) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let window: UInt64 = 64 << 10
        try handle.seek(toOffset: fromEnd ? (size > window ? size - window : 0) : 0)
        let text = String(decoding: handle.readData(ofLength: Int(window)), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        return fromEnd ? lines.last : (lines.count > 1 ? lines[1] : nil)
    }
}
