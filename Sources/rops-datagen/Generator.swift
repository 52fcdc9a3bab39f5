import Foundation

/// Writes the five Kaggle "transactions-fraud-datasets" files in their exact layout.
struct Generator {
    let transactions: Int
    let users = 2_000
    let cards = 6_146
    let activeClients = 1_219
    let labelShare = 0.67
    let out: String
    var random: Random

    struct User {
        let id: Int
        let city: Int
    }

    struct Card {
        let id: Int
        let client: Int
        let hasChip: Bool
    }

    // MARK: - Users and cards

    func userOrder(_ random: inout Random) -> [Int] {
        var ids = Array(0..<users)
        for i in stride(from: ids.count - 1, to: 0, by: -1) { ids.swapAt(i, random.below(i + 1)) }
        return ids
    }

    mutating func writeUsers(order: [Int]) throws -> [User] {
        var writer = try ByteWriter(path: out + "/users_data.csv")
        writer.text("id,current_age,retirement_age,birth_year,birth_month,gender,address,latitude,longitude,per_capita_income,yearly_income,total_debt,credit_score,num_credit_cards\n")
        var result = Array(repeating: User(id: 0, city: 0), count: users)
        for id in order {
            let age = min(101, max(18, Int(44 + random.normal() * 16)))
            let city = random.below(Catalogs.usCities.count)
            let income = max(1, Int(exp(10.6 + random.normal() * 0.45)))
            writer.int(id); writer.byte(44)
            writer.int(age); writer.byte(44)
            writer.int(random.range(50, 79)); writer.byte(44)
            writer.int(2019 - age); writer.byte(44)
            writer.int(random.range(1, 12)); writer.byte(44)
            writer.text(random.chance(0.508) ? "Female" : "Male"); writer.byte(44)
            writer.int(random.range(1, 9999)); writer.byte(32); writer.text(Catalogs.streets[random.below(Catalogs.streets.count)]); writer.byte(44)
            writer.text(String(format: "%.2f", 25 + random.unit() * 23)); writer.byte(44)
            writer.text(String(format: "%.2f", -122 + random.unit() * 52)); writer.byte(44)
            writer.byte(UInt8(ascii: "$")); writer.int(income / 2); writer.byte(44)
            writer.byte(UInt8(ascii: "$")); writer.int(income); writer.byte(44)
            writer.byte(UInt8(ascii: "$")); writer.int(random.chance(0.05) ? 0 : Int(Double(income) * random.unit() * 3)); writer.byte(44)
            writer.int(min(850, max(480, Int(711 + random.normal() * 65)))); writer.byte(44)
            writer.int(random.range(1, 9)); writer.byte(10)
            result[id] = User(id: id, city: city)
        }
        writer.close()
        return result
    }

    mutating func writeCards(order: [Int]) throws -> [[Card]] {
        var writer = try ByteWriter(path: out + "/cards_data.csv")
        writer.text("id,client_id,card_brand,card_type,card_number,expires,cvv,has_chip,num_cards_issued,credit_limit,acct_open_date,year_pin_last_changed,card_on_dark_web\n")
        // Every user has at least one card; the rest are spread at random.
        var counts = Array(repeating: 1, count: users)
        for _ in 0..<(cards - users) { counts[random.below(users)] += 1 }
        var ids = Array(0..<cards)
        for i in stride(from: ids.count - 1, to: 0, by: -1) { ids.swapAt(i, random.below(i + 1)) }
        var next = 0
        var byClient = Array(repeating: [Card](), count: users)
        for client in order {
            for _ in 0..<counts[client] {
                let id = ids[next]
                next += 1
                let brandRoll = random.unit()
                let brand = brandRoll < 0.522 ? "Mastercard" : brandRoll < 0.901 ? "Visa" : brandRoll < 0.966 ? "Amex" : "Discover"
                let typeRoll = random.unit()
                let type = brand == "Amex" || brand == "Discover" ? "Credit" : typeRoll < 0.61 ? "Debit" : typeRoll < 0.90 ? "Credit" : "Debit (Prepaid)"
                let hasChip = random.chance(0.895)
                writer.int(id); writer.byte(44)
                writer.int(client); writer.byte(44)
                writer.text(brand); writer.byte(44)
                writer.text(type); writer.byte(44)
                let prefix = brand == "Visa" ? 4 : brand == "Mastercard" ? 5 : brand == "Amex" ? 3 : 6
                writer.int(prefix)
                for _ in 0..<(brand == "Amex" ? 14 : 15) { writer.int(random.below(10)) }
                writer.byte(44)
                writer.int2(random.range(1, 12)); writer.byte(UInt8(ascii: "/")); writer.int(random.range(1997, 2024)); writer.byte(44)
                writer.int(random.range(1, 999)); writer.byte(44)
                writer.text(hasChip ? "YES" : "NO"); writer.byte(44)
                let issued = random.unit()
                writer.int(issued < 0.507 ? 1 : issued < 0.99 ? 2 : 3); writer.byte(44)
                writer.byte(UInt8(ascii: "$"))
                writer.int(type == "Debit (Prepaid)" ? random.range(0, 145) : Int(exp(9.45 + random.normal() * 0.6)))
                writer.byte(44)
                writer.int2(random.range(1, 12)); writer.byte(UInt8(ascii: "/")); writer.int(random.range(1991, 2020)); writer.byte(44)
                writer.int(random.range(2002, 2020)); writer.byte(44)
                writer.text("No"); writer.byte(10)
                byClient[client].append(Card(id: id, client: client, hasChip: hasChip))
            }
        }
        writer.close()
        return byClient
    }
}
