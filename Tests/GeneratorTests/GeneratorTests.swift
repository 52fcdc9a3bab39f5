import Foundation
import TestSupport
import XCTest

/// rops-datagen writes the Kaggle layout: same headers and field shapes as the real rows in
/// shared/real-samples, the exact mcc_codes.json, deterministic output, the published rates.
final class GeneratorTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/real-samples").path

    func generate(_ folder: String, transactions: Int = 50_000, seed: Int = 7) throws {
        let process = Process()
        process.executableURL = Bundle.main.bundleURL.appendingPathComponent("rops-datagen")
        process.arguments = ["--transactions", "\(transactions)", "--seed", "\(seed)", "--out", folder]
        process.standardOutput = Pipe()
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    func testLayoutMatchesTheRealFiles() throws {
        let folder = try TemporaryFolder.make(prefix: "datagen")
        try generate(folder)
        for file in ["transactions_data.csv", "cards_data.csv", "users_data.csv"] {
            XCTAssertEqual(try lines(folder + "/" + file).first, try lines(Self.samples + "/" + file).first, file)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/mcc_codes.json"),
                       FileManager.default.contents(atPath: Self.samples + "/mcc_codes.json"))
        // Every row has the real rows' shape (checked on the real rows too, so the patterns are honest).
        let transaction = #"^\d+,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:00,\d+,\d+,\$-?\d+\.\d{2},(Swipe|Chip|Online) Transaction,\d+,(ONLINE,,|[^,]+,[A-Z]{2},\d{3,5}\.0|[^,]+,[A-Za-z .]+,),\d{4},("[A-Za-z ,]+"|[A-Za-z ]*)$"#
        let card = #"^\d+,\d+,(Visa|Mastercard|Amex|Discover),(Debit|Credit|Debit \(Prepaid\)),\d{15,16},\d{2}/\d{4},\d{1,3},(YES|NO),[123],\$\d+,\d{2}/\d{4},\d{4},No$"#
        let user = #"^\d+,\d+,\d+,\d{4},\d{1,2},(Female|Male),[^,]+,-?\d+\.\d{1,2},-?\d+\.\d{1,2},\$\d+,\$\d+,\$\d+,\d{3},\d$"#
        for (file, pattern) in [("transactions_data.csv", transaction), ("cards_data.csv", card), ("users_data.csv", user)] {
            for source in [Self.samples, folder] {
                for line in try lines(source + "/" + file).dropFirst() where !line.isEmpty {
                    XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), "\(source)/\(file): \(line)")
                }
            }
        }
        let labels = try String(contentsOfFile: folder + "/train_fraud_labels.json", encoding: .utf8)
        XCTAssertTrue(labels.hasPrefix("{\"target\": {\""), String(labels.prefix(40)))
        XCTAssertTrue(labels.hasSuffix("\"}}"))
        XCTAssertFalse(labels.contains("\n"))
        XCTAssertEqual(try lines(folder + "/cards_data.csv").count, 6_146 + 2)
        XCTAssertEqual(try lines(folder + "/users_data.csv").count, 2_000 + 2)
    }

    func testRatesAndDeterminism() throws {
        let a = try TemporaryFolder.make(prefix: "datagen-a"), b = try TemporaryFolder.make(prefix: "datagen-b")
        try generate(a, transactions: 200_000)
        try generate(b, transactions: 200_000)
        for file in ["transactions_data.csv", "cards_data.csv", "users_data.csv", "train_fraud_labels.json"] {
            XCTAssertEqual(FileManager.default.contents(atPath: a + "/" + file), FileManager.default.contents(atPath: b + "/" + file), file)
        }
        let rows = try lines(a + "/transactions_data.csv").dropFirst().filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 200_000)
        let online = Double(rows.filter { $0.contains("Online Transaction") }.count) / Double(rows.count)
        XCTAssertEqual(online, 0.117, accuracy: 0.01)
        let errors = Double(rows.filter { !$0.hasSuffix(",") }.count) / Double(rows.count)
        XCTAssertEqual(errors, 0.0159, accuracy: 0.004)
        XCTAssertFalse(rows.prefix(50_000).contains { $0.contains("Chip Transaction") && $0.contains(",201[0-4]-") }, "no chip before 2015")
        let labels = try String(contentsOfFile: a + "/train_fraud_labels.json", encoding: .utf8)
        let labelled = labels.components(separatedBy: "\": \"").count - 1
        let frauds = labels.components(separatedBy: "\"Yes\"").count - 1
        XCTAssertEqual(labelled, 134_000, "exactly round(67%) of the payments, as the real file (8,914,963 of 13,305,915)")
        XCTAssertEqual(Double(frauds) / Double(labelled), 0.0015, accuracy: 0.0006)
        // Labels name distinct payments of the file, spread over all of it (not its first 67%).
        let keys = labels.split(separator: "\"").enumerated().filter { $0.offset % 4 == 3 }.map { String($0.element) }
        let ids = rows.map { String($0.prefix { $0 != "," }) }
        XCTAssertEqual(Set(keys).count, labelled)
        XCTAssertTrue(Set(keys).isSubset(of: Set(ids)))
        for tenth in [ids.prefix(20_000), ids.suffix(20_000)] {
            let share = Double(Set(tenth).intersection(keys).count) / 20_000
            XCTAssertEqual(share, 0.67, accuracy: 0.02)
        }
    }
}
