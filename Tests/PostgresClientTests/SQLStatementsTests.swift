import Foundation
import PostgresClient
import TestSupport
import XCTest

final class SQLStatementsTests: XCTestCase {
    func testSplitsAtTopLevelSemicolons() {
        XCTAssertEqual(SQLStatements.split("select 1; select 2;\n\nselect 3"), ["select 1", "select 2", "select 3"])
        XCTAssertEqual(SQLStatements.split(" ;; ;\n"), [])
        XCTAssertEqual(SQLStatements.split("select 1"), ["select 1"])
    }

    func testKeepsSemicolonsInsideQuotesAndComments() {
        XCTAssertEqual(SQLStatements.split("select 'a;b', \"c;d\"; select 2"), ["select 'a;b', \"c;d\"", "select 2"])
        XCTAssertEqual(SQLStatements.split("select 'it''s; fine'; select 2"), ["select 'it''s; fine'", "select 2"])
        XCTAssertEqual(SQLStatements.split("select E'a\\';b'; select 2"), ["select E'a\\';b'", "select 2"])
        // Not an E-string: a backslash ends nothing in a standard string.
        XCTAssertEqual(SQLStatements.split("select 'a\\'; select 2"), ["select 'a\\'", "select 2"])
        XCTAssertEqual(SQLStatements.split("select 1 -- a; b\n; select 2"), ["select 1 -- a; b", "select 2"])
        XCTAssertEqual(SQLStatements.split("select /* a; /* nested; */ b; */ 1; select 2"), ["select /* a; /* nested; */ b; */ 1", "select 2"])
    }

    func testDollarQuotes() {
        let block = "do $rops$\nbegin\n  perform 1; perform 'x;y';\nend\n$rops$"
        XCTAssertEqual(SQLStatements.split(block + ";\n" + block + ";"), [block, block])
        XCTAssertEqual(SQLStatements.split("select $$a;b$$; select $t$ $$; $t$"), ["select $$a;b$$", "select $t$ $$; $t$"])
        // Parameters and identifiers with $ are not quotes.
        XCTAssertEqual(SQLStatements.split("select $1; select a$b; select 2"), ["select $1", "select a$b", "select 2"])
    }

    func testDropsPiecesThatAreOnlyComments() {
        XCTAssertEqual(SQLStatements.split("select 1;\n-- the end\n/* really */"), ["select 1"])
        XCTAssertEqual(SQLStatements.split("-- lead\nselect 1;"), ["-- lead\nselect 1"])
    }

    func testUnterminatedQuotesTakeTheRest() {
        XCTAssertEqual(SQLStatements.split("select 'open; select 2"), ["select 'open; select 2"])
        XCTAssertEqual(SQLStatements.split("select $x$ open; select 2"), ["select $x$ open; select 2"])
        XCTAssertEqual(SQLStatements.split("select /* open; select 2"), ["select /* open; select 2"])
    }

    /// Random statements built from pieces that hold semicolons only where they must not split,
    /// joined with semicolons: splitting gives back exactly the statements.
    func testFuzzJoinedStatementsComeBack() {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["select 1", "'a;b'", "'it''s;'", "E'x\\';y'", "\"q;uo\"\"te\"", "$$p;q$$", "$tag$ $$;$ $tag$", "/* c; /* d; */ */",
                      "-- line; comment\n", "a$b", "$1", "x", "ünï;cödé'", "\n", "  "]
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...5, using: &generator)
            let statements: [String] = (0..<count).map { _ in
                var text = "select"
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    var piece = pieces.randomElement(using: &generator)!
                    if piece.contains("ü") { piece = "'\(piece.replacingOccurrences(of: "'", with: "''"))'" }
                    text += " " + piece
                }
                return text + " end"
            }
            XCTAssertEqual(SQLStatements.split(statements.joined(separator: ";")), statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        }
    }

    /// Hostile input never crashes and never loses a non-space byte outside the split semicolons.
    func testFuzzRandomBytesAreKept() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab$;'\"-/*\\E\n 1")
        for _ in 0..<3_000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let parts = SQLStatements.split(text)
            let kept = parts.joined().filter { !$0.isWhitespace && $0 != ";" }
            let original = text.filter { !$0.isWhitespace && $0 != ";" }
            // Dropped pieces are comment-only, so every kept character is in order in the input.
            var rest = Substring(original)
            for character in kept {
                guard let index = rest.firstIndex(of: character) else { XCTFail("\(text.debugDescription) gave \(parts)"); return }
                rest = rest[rest.index(after: index)...]
            }
        }
    }

    func testStatementsRunOneByOneOnTheServer() throws {
        let connection = try TestDatabase.connect()
        try connection.transaction {
            try connection.executeStatements("""
                create temporary table split_check (t text) on commit drop;
                insert into split_check values ('a;b');
                do $x$ begin insert into split_check values ('c;d'); end $x$;
                -- only a comment;
                """)
            XCTAssertEqual(try connection.query("select string_agg(t, ',' order by t) as t from split_check")[0]["t"].string, "a;b,c;d")
        }
    }
}
