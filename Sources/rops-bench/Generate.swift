import Foundation

/// Writes files in the Kaggle layout for the load benchmark (the full data generator is issue 7's).
enum BenchData {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let cities = ["Beulah,ND,58523.0", "Bettendorf,IA,52722.0", "Vista,CA,92084.0", "Crown Point,IN,46307.0",
                         "Harwood,MD,20776.0", "ONLINE,,", "Houston,TX,77005.0", "Hartford,CT,6108.0", "Rome,Italy,"]
    static let channels = ["Swipe Transaction", "Chip Transaction", "Online Transaction"]
    static let errors = ["", "", "", "", "", "", "", "", "", "Insufficient Balance", "\"Bad PIN,Insufficient Balance\""]

    static func transactions(count: Int, path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = FileHandle(forWritingAtPath: path)!
        defer { handle.closeFile() }
        var random = Random(state: 42)
        var out = "id,date,client_id,card_id,amount,use_chip,merchant_id,merchant_city,merchant_state,zip,mcc,errors\n"
        for i in 0..<count {
            let minute = i % 60, hour = (i / 60) % 24, day = 1 + (i / 1440) % 28
            let cents = random.below(30000) - 2000
            let sign = cents < 0 ? "-" : ""
            let amount = "$\(sign)\(abs(cents) / 100).\(abs(cents) % 100 < 10 ? "0" : "")\(abs(cents) % 100)"
            out += "\(7_475_327 + i),2015-03-\(day < 10 ? "0" : "")\(day) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute):00,"
            out += "\(random.below(2000)),\(random.below(6146)),\(amount),\(channels[random.below(3)]),\(random.below(100_000)),"
            out += "\(cities[random.below(cities.count)]),\(5000 + random.below(999)),\(errors[random.below(errors.count)])\n"
            if out.utf8.count > 4 << 20 {
                handle.write(Data(out.utf8))
                out = ""
            }
        }
        handle.write(Data(out.utf8))
    }

    /// `{"target": {"<id>": "No", …}}` on one line, keys not sorted.
    static func labels(count: Int, path: String) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = FileHandle(forWritingAtPath: path)!
        defer { handle.closeFile() }
        var random = Random(state: 7)
        var out = "{\"target\": {"
        for i in 0..<count {
            out += "\(i == 0 ? "" : ", ")\"\(7_475_327 + random.below(16_300_000))\": \"\(random.below(669) == 0 ? "Yes" : "No")\""
            if out.utf8.count > 4 << 20 {
                handle.write(Data(out.utf8))
                out = ""
            }
        }
        handle.write(Data((out + "}}").utf8))
    }
}
