import Foundation
@testable import Template
import XCTest

/// Thousands of random and truncated templates: the engine returns output or an error, never
/// crashes or hangs.
final class FuzzTests: XCTestCase {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let fragments = [
        "{{", "}}", "{%", "%}", "{#", "#}", "{{-", "-}}", "{%-", "-%}", " ", "\n", "x", "name", "'s'", "\"q", "'",
        "if", "endif", "for", "in", "endfor", "else", "elif", "set", "=", "endset", "macro", "endmacro", "m(", ")",
        "(", "[", "]", "{", "}", ",", ".", ":", "|", "upper", "join", "default", "is", "defined", "not", "and", "or",
        "+", "-", "*", "/", "//", "%", "**", "~", "1", "2.5", "1e400", "99999999999999999999", "none", "true",
        "loop.index", "range(3)", "caller()", "call", "endcall", "raw", "endraw", "do", "with", "endwith", "filter",
        "endfilter", "return(1)", "\u{0}", "ü", "\r\n", "\\", "{'a': 1}", "[1, 2]", "x[0]", "x.y", "x[1:2]",
    ]

    func testRandomTemplatesNeverCrash() {
        var generator = SplitMix(state: 20_261_125)
        let context: [String: Value] = ["name": .string("n"), "x": .list([.int(1), .int(2)])]
        var rendered = 0, failed = 0
        for _ in 0..<5_000 {
            let count = Int.random(in: 1...24, using: &generator)
            let source = (0..<count).map { _ in Self.fragments.randomElement(using: &generator)! }.joined()
            for strict in [true, false] {
                do {
                    _ = try Template(source: source, options: TemplateOptions(strictUndefined: strict)).render(context)
                    rendered += 1
                } catch is TemplateError {
                    failed += 1
                } catch {
                    XCTFail("non-template error \(error) for \(source.debugDescription)")
                }
            }
        }
        XCTAssertEqual(rendered + failed, 10_000)
        XCTAssertGreaterThan(rendered, 100, "the fuzzer should also produce valid templates")
    }

    func testEveryPrefixOfARealModelIsHandled() throws {
        let model = """
            {{ config(materialized='table') }}
            {%- set cols = ['id', 'amount'] -%}
            {% macro money(c, scale=2) -%} round({{ c }}::numeric, {{ scale }}) {%- endmacro %}
            select
            {%- for c in cols %}
                {{ money(c) if c == 'amount' else c }}{{ ',' if not loop.last }}
            {%- endfor %}
            from {{ ref('stg_transactions') }} {# trailing comment #}
            {% raw %}{{ literal }}{% endraw %}
            """
        let hosts: [String: Value] = [
            "config": .function(Function(name: "config") { _ in .string("") }),
            "ref": .function(Function(name: "ref") { a in .string("\"s\".\"\(a.positional[0].stringValue!)\"") }),
        ]
        let full = try Template(source: model).render(hosts)
        XCTAssertTrue(full.contains("round(amount::numeric, 2)"), full)
        let characters = Array(model)
        for length in 0...characters.count {
            let prefix = String(characters[0..<length])
            do {
                _ = try Template(source: prefix).render(hosts)
            } catch is TemplateError {
                continue
            } catch {
                XCTFail("prefix of length \(length) threw \(error)")
            }
        }
    }
}
