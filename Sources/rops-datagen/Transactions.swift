import Foundation

/// One generated payment, before it is written.
struct Payment {
    var id: Int
    var year = 0, month = 0, day = 0, hour = 0, minute = 0
    var client = 0, card = 0
    var cents = 0
    var channel = 0  // 0 swipe, 1 chip, 2 online
    var merchant = 0
    var place = 0    // 0 home, 1 other US city, 2 foreign, 3 online
    var city = 0
    var mcc = 0
    var error = ""
    var fraudWeight = 1.0
}

extension Generator {
    static let channels = ["Swipe Transaction", "Chip Transaction", "Online Transaction"]

    /// Calls `body` for every payment in date order. The sequence depends only on the seed, so two
    /// passes (one to calibrate the fraud rate, one to write) see the same payments.
    func forEachPayment(users: [User], cards: [[Card]], seed: UInt64, _ body: (inout Payment) throws -> Void) rethrows {
        var random = Random(seed: seed)
        let maker = PaymentMaker(users: users, cards: cards, activeClients: activeClients, random: &random)
        let days = Self.days()
        var payment = Payment(id: 7_475_327)
        for (index, day) in days.enumerated() {
            let count = (transactions * (index + 1)) / days.count - (transactions * index) / days.count
            for minuteOfDay in maker.minutes(count, &random) {
                // The real file starts at 00:01 on its first day.
                let minute = index == 0 && minuteOfDay == 0 ? 1 : minuteOfDay
                maker.fill(&payment, day: day, minute: minute, &random)
                try body(&payment)
                payment.id += 1
            }
        }
    }

    /// Every calendar day from 2010-01-01 to 2019-10-31 (3,591 days).
    static func days() -> [(Int, Int, Int)] {
        var result: [(Int, Int, Int)] = []
        for year in 2010...2019 {
            for month in 1...12 where !(year == 2019 && month > 10) {
                let length = [31, year % 4 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
                for day in 1...length { result.append((year, month, day)) }
            }
        }
        return result
    }

    mutating func writeTransactions(users: [User], cards: [[Card]], targetFraudRate: Double) throws -> (rows: Int, labels: Int, frauds: Int) {
        let seed = random.next()
        let wanted = Int((labelShare * Double(transactions)).rounded())
        // Pass 1: the mean odds over labelled payments, to hit the target fraud rate.
        var labelled = ExactSelection(wanted: wanted, of: transactions, seed: seed ^ 0xABCD)
        var weightSum = 0.0
        forEachPayment(users: users, cards: cards, seed: seed) { payment in
            if labelled.next() { weightSum += payment.fraudWeight }
        }
        let base = wanted > 0 ? targetFraudRate * Double(wanted) / weightSum : 0
        // Pass 2: write, and decide the labels with the same choices of which rows are labelled.
        labelled = ExactSelection(wanted: wanted, of: transactions, seed: seed ^ 0xABCD)
        var fraudRandom = Random(seed: seed ^ 0x5EED)
        var labels: [(UInt32, Bool)] = []
        labels.reserveCapacity(wanted)
        var writer = try ByteWriter(path: out + "/transactions_data.csv")
        writer.text(Self.transactionsHeader)
        var rows = 0, frauds = 0
        forEachPayment(users: users, cards: cards, seed: seed) { p in
            Self.writeRow(p, to: &writer)
            writer.flushIfLarge()
            rows += 1
            if labelled.next() {
                let fraud = fraudRandom.chance(min(0.95, base * p.fraudWeight))
                if fraud { frauds += 1 }
                labels.append((UInt32(p.id), fraud))
            }
        }
        writer.close()
        try writeLabels(&labels)
        return (rows, labels.count, frauds)
    }

    static let transactionsHeader = "id,date,client_id,card_id,amount,use_chip,merchant_id,merchant_city,merchant_state,zip,mcc,errors\n"

    /// One line of transactions_data.csv.
    static func writeRow(_ p: Payment, to writer: inout ByteWriter) {
        writer.int(p.id); writer.byte(44)
        writer.int(p.year); writer.byte(45); writer.int2(p.month); writer.byte(45); writer.int2(p.day); writer.byte(32)
        writer.int2(p.hour); writer.byte(58); writer.int2(p.minute); writer.text(":00,")
        writer.int(p.client); writer.byte(44)
        writer.int(p.card); writer.byte(44)
        writer.money(cents: p.cents); writer.byte(44)
        writer.text(Self.channels[p.channel]); writer.byte(44)
        writer.int(p.merchant); writer.byte(44)
        switch p.place {
        case 3: writer.text("ONLINE,,,")
        case 2:
            let (city, country) = Catalogs.foreign[p.city]
            writer.text(city); writer.byte(44); writer.text(country); writer.text(",,")
        default:
            let (city, state, zip) = Catalogs.usCities[p.city]
            writer.text(city); writer.byte(44); writer.text(state); writer.byte(44); writer.int(zip); writer.text(".0,")
        }
        writer.int(p.mcc); writer.byte(44)
        if p.error.contains(",") { writer.byte(34); writer.text(p.error); writer.byte(34) } else { writer.text(p.error) }
        writer.byte(10)
    }

    /// `{"target": {"10649266": "No", …}}` on one line, keys in shuffled order like the real file.
    mutating func writeLabels(_ labels: inout [(UInt32, Bool)]) throws {
        for i in stride(from: labels.count - 1, to: 0, by: -1) { labels.swapAt(i, random.below(i + 1)) }
        try Self.writeLabels(labels, path: out + "/train_fraud_labels.json")
    }

    static func writeLabels(_ labels: [(UInt32, Bool)], path: String) throws {
        var writer = try ByteWriter(path: path)
        writer.text("{\"target\": {")
        for (index, label) in labels.enumerated() {
            if index > 0 { writer.text(", ") }
            writer.byte(34); writer.int(Int(label.0)); writer.text(label.1 ? "\": \"Yes\"" : "\": \"No\"")
            writer.flushIfLarge()
        }
        writer.text("}}")
        writer.close()
    }
}

/// Draws payments: which client and card, channel, place, category, amount, errors and the odds of
/// fraud, at the published rates. Built from the seed's first draws (the active clients and their
/// weights), so the base files and later batches (`--batch`) share the same clients and cards.
struct PaymentMaker {
    let users: [Generator.User]
    let cards: [[Generator.Card]]
    let active: [Int]
    let clientWeights: [Double]
    let hours = Random.cumulative(Catalogs.hourWeights)
    let present = Random.cumulative(Catalogs.presentMCC.map(\.1))
    let online = Random.cumulative(Catalogs.onlineMCC.map(\.1))
    let singleErrors = Random.cumulative(Catalogs.singleErrors.map(\.1))

    init(users: [Generator.User], cards: [[Generator.Card]], activeClients: Int, random: inout Random) {
        self.users = users
        self.cards = cards
        var active = Array(0..<users.count)
        for i in stride(from: active.count - 1, to: 0, by: -1) { active.swapAt(i, random.below(i + 1)) }
        self.active = Array(active.prefix(activeClients))
        clientWeights = Random.cumulative(self.active.map { _ in exp(random.normal() * 0.8) })
    }

    /// `count` minutes of one day, sorted, spread over the hours as the real payments are.
    func minutes(_ count: Int, _ random: inout Random) -> [Int] {
        var minutes = (0..<count).map { _ in Catalogs.hourWeights.isEmpty ? 0 : random.pick(hours) * 60 + random.below(60) }
        minutes.sort()
        return minutes
    }

    func fill(_ payment: inout Payment, day: (Int, Int, Int), minute: Int, _ random: inout Random) {
        let client = active[random.pick(clientWeights)]
        let wallet = cards[client]
        let card = wallet[random.below(wallet.count)]
        payment.year = day.0; payment.month = day.1; payment.day = day.2
        payment.hour = minute / 60; payment.minute = minute % 60
        payment.client = client
        payment.card = card.id
        let onlineShare = day.0 < 2015 ? 0.108 : 0.118
        if random.chance(onlineShare) { payment.channel = 2 }
        else if day.0 >= 2015 && card.hasChip && random.chance(0.84) { payment.channel = 1 }
        else { payment.channel = 0 }
        if payment.channel == 2 {
            payment.place = 3
            payment.mcc = Catalogs.onlineMCC[random.pick(online)].0
            payment.merchant = random.below(5_000)
        } else {
            let roll = random.unit()
            payment.place = roll < 0.007 ? 2 : roll < 0.07 ? 1 : 0
            payment.city = payment.place == 0 ? users[client].city
                : payment.place == 1 ? random.below(Catalogs.usCities.count) : random.below(Catalogs.foreign.count)
            if payment.place == 1 && payment.city == users[client].city { payment.place = 0 }
            payment.mcc = Catalogs.presentMCC[random.pick(present)].0
            payment.merchant = 5_000 + random.below(95_000)
        }
        // Amounts: log-normal around $35; refunds mirror a charge; a few zero-value checks.
        var cents = Int(exp(log(3500.0) + random.normal() * 0.95))
        if Catalogs.riskyMCC.contains(payment.mcc) { cents *= 3 }
        cents = min(cents, 682_020)
        let refund = random.unit()
        if refund < 0.048 { cents = -min(cents, 50_000) } else if refund < 0.049 { cents = 0 }
        payment.cents = cents
        payment.error = ""
        if random.chance(payment.channel == 2 ? 0.0228 : 0.0150) {
            if random.chance(0.0035) {
                payment.error = Catalogs.multiErrors[random.below(Catalogs.multiErrors.count)]
            } else {
                var name = Catalogs.singleErrors[random.pick(singleErrors)].0
                // Bad PIN needs a PIN (card present); CVV, expiry and card number checks are online.
                if payment.channel == 2 && name == "Bad PIN" { name = "Bad CVV" }
                if payment.channel != 2 && ["Bad CVV", "Bad Expiration", "Bad Card Number"].contains(name) { name = "Bad PIN" }
                payment.error = name
            }
        }
        // Relative fraud odds at the published strengths (STATS.md §4).
        var weight = payment.channel == 2 ? 28.0 : payment.channel == 1 ? 1.5 : 1.0
        if payment.error.contains("Bad CVV") { weight *= 23 } else if payment.error.contains("Bad Expiration") { weight *= 15 }
        if payment.place == 2 { weight *= 40 } else if payment.place == 1 { weight *= 15 }
        if Catalogs.riskyMCC.contains(payment.mcc) { weight *= 14 }
        if payment.hour < 5 { weight *= 3 }
        if payment.cents > 10_000 { weight *= 2 }
        payment.fraudWeight = weight
    }
}
