import ArgumentParser
import Foundation

/// Writes data/raw in the exact layout of the Kaggle "transactions-fraud-datasets" files, at any
/// scale, deterministically for a seed. The real files cannot be downloaded here; users bring them.
struct DataGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rops-datagen",
        abstract: "Generate transactions_data.csv, cards_data.csv, users_data.csv, mcc_codes.json and train_fraud_labels.json.",
        discussion: "The same --seed gives the same bytes. --full writes the real volume: 13,305,915 transactions, 8,914,963 labels, 6,146 cards, 2,000 users.")

    @Option(help: "Number of transactions.") var transactions = 1_000_000
    @Flag(help: "Full scale: 13,305,915 transactions.") var full = false
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Output folder.") var out = "data/raw"
    @Option(help: "Share of labelled transactions that are fraud.") var fraudRate = 0.0015
    @Option(help: ArgumentHelp("Inject defects into this share of transaction lines (e.g. 0.001) and write dirty_manifest.json.",
                               discussion: "Defects: bad amounts, unparseable dates, orphan client and card ids, unknown MCCs, duplicate ids, ragged lines, bad UTF-8, and labels for unknown transactions."))
    var dirty: Double?
    @Option(help: ArgumentHelp("Write one further batch of N payments after what --out holds (the same clients and cards, later dates), with labels for some of them and for the previous batch's held-back payments.", valueName: "N"))
    var batch: Int?
    @Flag(help: "With --batch: keep writing batches, one every --every seconds (--batches of them; 0: until stopped).")
    var stream = false
    @Option(help: "Seconds between --stream batches.") var every = 5.0
    @Option(help: "Batches --stream writes (0: until stopped).") var batches = 0

    func run() throws {
        if let batch { return try writeBatches(batch) }
        let start = Date()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var generator = Generator(transactions: full ? 13_305_915 : transactions, out: out, random: Random(seed: seed))
        let order = generator.userOrder(&generator.random)
        let users = try generator.writeUsers(order: order)
        let cards = try generator.writeCards(order: order)
        try Data(MCCFile.bytes).write(to: URL(fileURLWithPath: out + "/mcc_codes.json"))
        let (rows, labels, frauds) = try generator.writeTransactions(users: users, cards: cards, targetFraudRate: fraudRate)
        if let dirty {
            guard dirty > 0 && dirty < 1 else { throw ValidationError("--dirty takes a share between 0 and 1, such as 0.001") }
            var injector = DefectInjector(rate: dirty, random: Random(seed: seed &+ 0x5EED_D1))
            let defects = try injector.inject(into: out)
            print("injected \(defects.count) defects; see \(out)/dirty_manifest.json")
        }
        print(String(format: "wrote %d transactions, %d labels (%d fraud, %.3f%%), %d cards, %d users to %@ in %.1fs",
                     rows, labels, frauds, labels > 0 ? 100 * Double(frauds) / Double(labels) : 0, generator.cards, generator.users,
                     out, Date().timeIntervalSince(start)))
    }

    /// `--batch N` (and `--stream`): the clients and cards of this seed, rebuilt in memory (their files
    /// are written to a scratch folder and dropped), then batches after the last payment in --out.
    func writeBatches(_ size: Int) throws {
        guard size > 0 else { throw ValidationError("--batch takes a number of payments above 0") }
        let scratch = NSTemporaryDirectory() + "/rops-datagen-\(getpid())"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var generator = Generator(transactions: 1, out: scratch, random: Random(seed: seed))
        let order = generator.userOrder(&generator.random)
        let users = try generator.writeUsers(order: order)
        let cards = try generator.writeCards(order: order)
        var random = Random(seed: generator.random.next())
        let maker = PaymentMaker(users: users, cards: cards, activeClients: generator.activeClients, random: &random)
        var stream = BatchStream(out: out, seed: seed, fraudRate: fraudRate, maker: maker)
        var written = 0
        repeat {
            FileHandle.standardOutput.write(Data((try stream.writeBatch(size) + "\n").utf8))
            written += 1
            if !self.stream || (batches > 0 && written >= batches) { break }
            Thread.sleep(forTimeInterval: every)
        } while true
    }
}

DataGen.main()
