@testable import Project
import XCTest

/// `{% docs %}` blocks read from Markdown as dbt reads them: rendered with nothing in scope, trimmed,
/// text outside blocks ignored, and every malformed block named with its file and line.
final class DocBlockTests: XCTestCase {
    func testBlocksAreRenderedTrimmedAndLocated() throws {
        let text = """
            # Notes outside any block are ignored.

            {% docs orders_status %}

            Orders can be **placed** or {# not shown #}shipped.
            {% raw %}{{ kept as written }}{% endraw %}

            {% enddocs %}
            {%- docs __overview__ -%}
              The front page.
            {%- enddocs -%}
            """
        let blocks = try DocBlock.parse(text, path: "models/docs.md")
        XCTAssertEqual(blocks.map(\.name), ["orders_status", "__overview__"])
        XCTAssertEqual(blocks[0].contents, "Orders can be **placed** or shipped.\n{{ kept as written }}")
        XCTAssertEqual(blocks[0].line, 3)
        XCTAssertEqual(blocks[1].contents, "The front page.")
        XCTAssertEqual(blocks[1].line, 9)
        XCTAssertEqual(try DocBlock.parse("no blocks here {{ at all }}", path: "x.md").count, 0)
    }

    func testMalformedBlocksNameFileLineAndCause() {
        let cases: [(String, Int, String)] = [
            ("text\n{% docs open %}\nnever closed", 2, "has no `{% enddocs %}`"),
            ("{% enddocs %}", 1, "without a `{% docs name %}`"),
            ("{% docs a %}\n{% docs b %}\n{% enddocs %}", 2, "inside the block 'a'"),
            ("{% docs two words %}x{% enddocs %}", 1, "letters, digits and underscores"),
            ("{% docs 9lives %}x{% enddocs %}", 1, "letters, digits and underscores"),
            ("{% docs a %}\n\n{% if %}\n{% enddocs %}", 3, "expected an expression"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try DocBlock.parse(text, path: "models/docs.md"), text) { error in
                guard let error = error as? ProjectError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.file, "models/docs.md")
                XCTAssertEqual(error.line, line, text)
                XCTAssertTrue(error.message.contains(message), error.message)
            }
        }
    }
}
