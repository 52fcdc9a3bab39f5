import Project
import XCTest

/// Expected values were produced by python-dotenv 1.2.2's `dotenv_values` on the same text.
final class DotEnvTests: XCTestCase {
    let sample = #"""
    # a comment
    export DB_CONNECTION_STRING=postgresql://u:p@h/db   # trailing comment
    PLAIN=value#not-a-comment
    SPACED = spaced value  
    SINGLE='it\'s \n raw ${PLAIN}'
    DOUBLE="line1\nline2 \"q\" ${PLAIN}"
    MULTI="first
    second"
    EMPTY=
    NOVALUE
    EXPANDED=${PLAIN}/x
    DEFAULTED=${MISSING:-fallback}
    'QUOTED_KEY'=qk
      INDENTED=yes
    bad line here
    AFTER=ok
    """#

    func testMatchesPythonDotenv() {
        let env = DotEnv(parsing: sample)
        let expected: [(String, String?)] = [
            ("DB_CONNECTION_STRING", "postgresql://u:p@h/db"),
            ("PLAIN", "value#not-a-comment"),
            ("SPACED", "spaced value"),
            ("SINGLE", "it's \\n raw value#not-a-comment"),
            ("DOUBLE", "line1\nline2 \"q\" value#not-a-comment"),
            ("MULTI", "first\nsecond"),
            ("EMPTY", ""),
            ("NOVALUE", nil),
            ("EXPANDED", "value#not-a-comment/x"),
            ("DEFAULTED", "fallback"),
            ("QUOTED_KEY", "qk"),
            ("INDENTED", "yes"),
            ("AFTER", "ok"),
        ]
        XCTAssertEqual(env.entries.map(\.key), expected.map(\.0))
        XCTAssertEqual(env.entries.map(\.value), expected.map(\.1))
        XCTAssertEqual(env.invalidLines, [15])
    }

    func testEnvironmentFeedsInterpolationButFileWins() {
        let env = DotEnv(parsing: "HOST=${PGHOST_X}\nUSER=${USER_X:-nobody}\nPGHOST_X=file\nAGAIN=${PGHOST_X}",
                         environment: ["PGHOST_X": "env", "USER_X": ""])
        XCTAssertEqual(env["HOST"], "env")
        XCTAssertEqual(env["USER"], "nobody")
        XCTAssertEqual(env["AGAIN"], "file")
    }

    func testCRLFAndLastKeyWins() {
        let env = DotEnv(parsing: "A=1\r\nB='two'\r\nA=3\r\n")
        XCTAssertEqual(env["A"], "3")
        XCTAssertEqual(env["B"], "two")
        XCTAssertTrue(env.invalidLines.isEmpty)
    }

    func testHostileInputNeverCrashes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("AB=#'\"\\${}:- \n\r\texport".unicodeScalars)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<60, using: &generator)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            let env = DotEnv(parsing: text)
            XCTAssertLessThanOrEqual(env.entries.count, text.count)
        }
    }
}
