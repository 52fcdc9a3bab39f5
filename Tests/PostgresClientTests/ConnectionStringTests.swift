@testable import PostgresClient
import XCTest

final class ConnectionStringTests: XCTestCase {
    func testURLPasswordsAreMasked() {
        let cases: [(String, String)] = [
            ("postgresql://user:secret@host:5432/db", "postgresql://user:****@host:5432/db"),
            ("postgres://user:p%40ss@host/db?sslmode=require", "postgres://user:****@host/db?sslmode=require"),
            ("postgresql://user@host/db", "postgresql://user@host/db"),
            ("postgresql://host/db?password=secret&user=u", "postgresql://host/db?password=****&user=u"),
            ("postgresql://user:se:cr@et@host/db", "postgresql://user:****@host/db"),
            ("postgresql://user:@host/db", "postgresql://user:****@host/db"),
            ("postgresql:///db?host=/tmp/sock&PASSWORD=x", "postgresql:///db?host=/tmp/sock&password=****"),
            ("postgresql://", "postgresql://"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(ConnectionString.mask(input), expected, input)
        }
    }

    func testKeywordPasswordsAreMasked() {
        let cases: [(String, String)] = [
            ("host=h password=secret user=u", "host=h password=**** user=u"),
            ("password='se cret' host=h", "password=**** host=h"),
            ("password = 'it\\'s' dbname=d", "password=**** dbname=d"),
            ("host=h passfile=/x user=u", "host=h passfile=/x user=u"),
            ("host=h mypassword=notakey", "host=h mypassword=notakey"),
            ("password=", "password=****"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(ConnectionString.mask(input), expected, input)
        }
    }

    func testValidationUsesLibpqsParser() throws {
        XCTAssertNoThrow(try ConnectionString("postgresql://u:p@h:5/d?sslmode=disable").validate())
        XCTAssertNoThrow(try ConnectionString("host=h port=5 dbname=d").validate())
        XCTAssertThrowsError(try ConnectionString("postgresql://u:p@h/d?nonsense=1").validate())
        XCTAssertThrowsError(try ConnectionString("host=h 'unterminated").validate())
        XCTAssertEqual(try ConnectionString("postgresql://u:p@h:5/d").options()["port"], "5")
    }

    func testScrubRemovesPasswordFromLibpqMessages() {
        let dsn = ConnectionString("postgresql://u:hunter2@h/d?nonsense=1")
        XCTAssertEqual(dsn.scrub("bad uri \"postgresql://u:hunter2@h/d?nonsense=1\""),
                       "bad uri \"postgresql://u:****@h/d?nonsense=1\"")
    }

    func testCaretPointsAtThePosition() {
        XCTAssertEqual(PostgresError.caretLine("select\n  bad here", 10), "  line 2:   bad here\n            ^")
        XCTAssertNil(PostgresError.caretLine("x", 99))
    }

    func testIdentifierQuoting() throws {
        XCTAssertEqual(SQLText.identifier("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(SQLText.qualified("s", "t"), "\"s\".\"t\"")
        XCTAssertEqual(try SQLText.literal("it's"), "'it''s'")
        XCTAssertThrowsError(try SQLText.literal("a\u{0}b"))
    }
}
