import Foundation
@testable import Load
import XCTest

final class CSVScannerTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/real-samples").path

    struct Result: Equatable {
        var header: [String] = []
        var records: [[String?]] = []
        var lines: [Int] = []
        var rejections: [Rejection] = []
        var copyText = ""
    }

    func scan(_ bytes: [UInt8], options: CSVOptions = CSVOptions(), blockSize: Int = 4 << 20, expected: Int? = nil) throws -> Result {
        let path = NSTemporaryDirectory() + "csv-\(UInt32.random(in: 0...UInt32.max)).csv"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try FileBlocks(path: path)
        var result = Result()
        var copy: [UInt8] = []
        try CSVScanner(options: options, blockSize: blockSize).scan(handle, expectedFields: expected, onHeader: { names in
            result.header = names
            return nil
        }, onRecord: { record in
            result.records.append((0..<record.count).map { record.field($0) })
            result.lines.append(record.line)
            record.appendCopyText(into: &copy)
            copy.append(10)
        }, onReject: { result.rejections.append($0) })
        result.copyText = String(decoding: copy, as: UTF8.self)
        return result
    }

    /// Every block size must give the same answer: records straddling block ends are the hard part.
    func scanAllBlockSizes(_ text: String, options: CSVOptions = CSVOptions()) throws -> Result {
        try scanAllBlockSizes(Array(text.utf8), options: options)
    }

    func scanAllBlockSizes(_ bytes: [UInt8], options: CSVOptions = CSVOptions()) throws -> Result {
        let reference = try scan(bytes, options: options)
        for size in [1, 2, 3, 5, 8, 13, 64] {
            XCTAssertEqual(try scan(bytes, options: options, blockSize: size), reference, "block size \(size)")
        }
        return reference
    }

    func testRealTransactionsSample() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.samples + "/transactions_data.csv")))
        let result = try scanAllBlockSizes(bytes)
        XCTAssertEqual(result.header, ["id", "date", "client_id", "card_id", "amount", "use_chip", "merchant_id",
                                       "merchant_city", "merchant_state", "zip", "mcc", "errors"])
        XCTAssertEqual(result.records.count, 65)
        XCTAssertEqual(result.rejections, [])
        XCTAssertEqual(result.records[0], ["7475327", "2010-01-01 00:01:00", "1556", "2972", "$-77.00", "Swipe Transaction",
                                           "59935", "Beulah", "ND", "58523.0", "5499", nil])
        XCTAssertEqual(result.lines.first, 2)
        XCTAssertEqual(result.lines.last, 66)
        XCTAssertTrue(result.copyText.hasPrefix("7475327\t2010-01-01 00:01:00\t1556\t2972\t$-77.00\tSwipe Transaction\t59935\tBeulah\tND\t58523.0\t5499\t\\N\n"))
    }

    func testRealCardsAndUsersSamples() throws {
        let cards = try scanAllBlockSizes(Array(try Data(contentsOf: URL(fileURLWithPath: Self.samples + "/cards_data.csv"))))
        XCTAssertEqual(cards.records.count, 65)
        XCTAssertEqual(cards.records[0], ["4524", "825", "Visa", "Debit", "4344676511950444", "12/2022", "623", "YES", "2",
                                          "$24295", "09/2002", "2008", "No"])
        let users = try scanAllBlockSizes(Array(try Data(contentsOf: URL(fileURLWithPath: Self.samples + "/users_data.csv"))))
        XCTAssertEqual(users.records.count, 45)
        XCTAssertEqual(users.records[0][6], "462 Rose Lane")
    }

    func testQuotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "id,errors,note\n1,\"Bad PIN,Insufficient Balance\",x\n2,\"say \"\"hi\"\"\",\"two\nlines\"\n3,,\"\"\n"
        let result = try scanAllBlockSizes(text)
        XCTAssertEqual(result.records, [["1", "Bad PIN,Insufficient Balance", "x"], ["2", "say \"hi\"", "two\nlines"], ["3", nil, ""]])
        XCTAssertEqual(result.lines, [2, 3, 5])
        XCTAssertEqual(result.copyText, "1\tBad PIN,Insufficient Balance\tx\n2\tsay \"hi\"\ttwo\\nlines\n3\t\\N\t\n")
    }

    func testCRLFAndBOMGiveTheSameRecordsAsLF() throws {
        let lf = try scanAllBlockSizes("a,b\n1,\"x\ny\"\n2,z\n")
        let crlf = try scanAllBlockSizes(Array("\u{FEFF}a,b\r\n1,\"x\ny\"\r\n2,z\r\n".utf8))
        XCTAssertEqual(crlf.header, ["a", "b"])
        XCTAssertEqual(crlf.records, lf.records)
        XCTAssertEqual(crlf.lines, lf.lines)
    }

    func testHostileRecordsAreQuarantinedAndTheRestLoads() throws {
        var bytes = Array("id,name,amount\n1,ok,1.00\n2,too,few\n3,too,many,fields\n".utf8)
        bytes += Array("4,bad utf8 ".utf8) + [0xC3, 0x28] + Array(",2.00\n".utf8)
        bytes += Array("5,nul ".utf8) + [0] + Array(",3.00\n".utf8)
        bytes += Array("6,\"closed\"junk,4.00\n7,fine,5.00\n8,\"never closed,6.00\n9,swallowed,7.00\n".utf8)
        let result = try scanAllBlockSizes(bytes)
        XCTAssertEqual(result.records, [["1", "ok", "1.00"], ["2", "too", "few"], ["7", "fine", "5.00"]])
        XCTAssertEqual(result.rejections.map(\.reason), [.wrongFieldCount, .invalidUTF8, .nulByte, .badQuote, .unclosedQuote])
        XCTAssertEqual(result.rejections.map(\.line), [4, 5, 6, 7, 9])
        XCTAssertEqual(String(decoding: result.rejections[0].raw, as: UTF8.self), "3,too,many,fields")
        XCTAssertEqual(result.rejections[2].raw, Array("5,nul ".utf8) + [0] + Array(",3.00".utf8))
        XCTAssertEqual(String(decoding: result.rejections[4].raw, as: UTF8.self), "8,\"never closed,6.00\n9,swallowed,7.00")
        XCTAssertEqual(result.rejections[0].byteOffset, Array("id,name,amount\n1,ok,1.00\n2,too,few\n".utf8).count)
    }

    func testEmptyFileAndHeaderOnly() throws {
        XCTAssertThrowsError(try scan([])) { error in
            XCTAssertTrue("\(error)".contains("empty"), "\(error)")
        }
        let headerOnly = try scanAllBlockSizes("a,b,c\n")
        XCTAssertEqual(headerOnly.header, ["a", "b", "c"])
        XCTAssertEqual(headerOnly.records.count, 0)
        let noNewline = try scanAllBlockSizes("a,b\n1,2")
        XCTAssertEqual(noNewline.records, [["1", "2"]])
    }

    func testBlankLinesAreSkipped() throws {
        let result = try scanAllBlockSizes("a,b\n\n1,2\r\n\r\n3,4\n\n")
        XCTAssertEqual(result.records, [["1", "2"], ["3", "4"]])
        XCTAssertEqual(result.lines, [3, 5])
    }

    func testHugeFieldStreams() throws {
        let huge = String(repeating: "x", count: 3_000_000)
        let result = try scan(Array("a,b\n1,\(huge)\n2,\"\(huge)\"\n".utf8), blockSize: 64 << 10)
        XCTAssertEqual(result.records.count, 2)
        XCTAssertEqual(result.records[1][1]?.count, 3_000_000)
    }

    func testRecordLargerThanTheLimitIsQuarantinedNotBuffered() throws {
        var options = CSVOptions()
        options.maxRecordBytes = 100_000
        let result = try scan(Array("a,b\n1,\"\(String(repeating: "y", count: 1_000_000))\"\n2,ok\n".utf8), options: options, blockSize: 16 << 10)
        XCTAssertEqual(result.rejections.map(\.reason), [.recordTooLarge])
        XCTAssertEqual(result.records, [["2", "ok"]])
    }

    func testOptionsDelimiterEscapeNullAndNoHeader() throws {
        var options = CSVOptions()
        options.delimiter = UInt8(ascii: ";")
        options.escape = UInt8(ascii: "\\")
        options.nullString = Array("NULL".utf8)
        options.header = false
        let result = try scanAllBlockSizes("1;\"a\\\"b\";NULL\n2;\"c;d\";\"NULL\"\n", options: options)
        XCTAssertEqual(result.header, [])
        XCTAssertEqual(result.records, [["1", "a\"b", nil], ["2", "c;d", "NULL"]])
    }

    func testFieldsNeedingCopyEscapes() throws {
        let result = try scanAllBlockSizes("a,b\n\"tab\there\",back\\slash\n")
        XCTAssertEqual(result.copyText, "tab\\there\tback\\\\slash\n")
    }

    func testRandomInputNeverCrashesAndIsBlockSizeIndependent() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab,\"\n\r ".utf8) + [0, 0xC3, 0xA9, 0xFF]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = Array("h1,h2\n".utf8) + (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let reference = try scan(bytes)
            for size in [1, 3, 7] { XCTAssertEqual(try scan(bytes, blockSize: size), reference, "\(bytes)") }
        }
    }
}
