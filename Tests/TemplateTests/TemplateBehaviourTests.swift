import Foundation
@testable import Template
import XCTest

/// Behaviour Jinja2 cannot generate expectations for: error locations, dbt's `return()`, host
/// functions, macros shared between templates, and limits.
final class TemplateBehaviourTests: XCTestCase {
    func render(_ source: String, _ context: [String: Value] = [:], file: String = "models/m.sql",
                strict: Bool = true) throws -> String {
        try Template(source: source, file: file, options: TemplateOptions(strictUndefined: strict)).render(context)
    }

    func templateError(_ source: String, _ context: [String: Value] = [:], file: String = "models/m.sql") -> TemplateError? {
        do {
            _ = try render(source, context, file: file)
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    /// A host object that is a sequence (dbt's agate rows and columns) indexes by position like a
    /// list and by name through its attributes, and iterates.
    func testSequenceObjectsIndexByPositionAndName() throws {
        let row = Value.object(ObjectBox(typeName: "Row", attributes: ["method": .string("card")],
                                         iterable: [.string("card"), .int(3)]))
        let table = Value.object(ObjectBox(typeName: "Table", attributes: ["rows": .list([row])], iterable: [row]))
        XCTAssertEqual(try render("{{ t[0][1] }} {{ t[0]['method'] }} {{ t[-1][0] }} {% for r in t %}{{ r[1] }}{% endfor %}",
                                  ["t": table]), "3 card card 3")
        XCTAssertEqual(try render("{{ t[5] is defined }}", ["t": table], strict: false), "False")
    }

    // MARK: - Errors name file, line, column and show a caret

    func testUndefinedVariableErrorPointsAtIt() throws {
        let ref = Value.function(Function(name: "ref") { _ in .string("\"s\".\"a\"") })
        let error = try XCTUnwrap(templateError("select 1\nfrom {{ ref('a') }}\nwhere x = {{ missing_var }}", ["ref": ref]))
        XCTAssertEqual(error.file, "models/m.sql")
        XCTAssertEqual(error.line, 3)
        XCTAssertEqual(error.column, 14)
        XCTAssertTrue(error.message.contains("'missing_var' is undefined"), error.message)
        XCTAssertEqual(error.description, """
            models/m.sql:3:14: 'missing_var' is undefined
              where x = {{ missing_var }}
                           ^
            """)
    }

    func testSyntaxErrorsSayWhatWasExpected() throws {
        let cases: [(String, Int, Int, String)] = [
            ("{% if x %}\nopen", 2, 5, "'if' block opened at line 1 needs 'elif' or 'else' or 'endif'"),
            ("a\n{{ 1 + }}", 2, 8, "expected an expression"),
            ("{% for x in %}", 1, 13, "expected an expression"),
            ("{% endfor %}", 1, 4, "unexpected 'endfor'"),
            ("x {{ 'abc }}", 1, 6, "unclosed string"),
            ("{# no end", 1, 1, "unclosed comment"),
            ("{% frobnicate %}", 1, 4, "unknown statement 'frobnicate'"),
            ("{{ (1, 2 }}", 1, 10, "unexpected '}'"),
            ("{% include 'x.sql' %}", 1, 1, "'include' is not supported"),
        ]
        for (source, line, column, message) in cases {
            let error = try XCTUnwrap(templateError(source), source)
            XCTAssertEqual(error.line, line, "\(source): \(error)")
            XCTAssertEqual(error.column, column, "\(source): \(error)")
            XCTAssertTrue(error.message.contains(message), "\(source): \(error.message)")
            XCTAssertTrue(error.description.contains("^"), error.description)
        }
    }

    func testErrorInsideMacroPointsIntoTheMacroFile() throws {
        let macros = try Template(source: "{% macro broken(x) %}\n  {{ x.nope.deeper }}\n{% endmacro %}",
                                  file: "macros/broken.sql").module()
        let error = try XCTUnwrap(templateError("select {{ broken({}) }}", macros))
        XCTAssertEqual(error.file, "macros/broken.sql")
        XCTAssertEqual(error.line, 2)
    }

    func testHostErrorsBecomeTemplateErrors() throws {
        let raise = Value.function(Function(name: "raise_compiler_error") { a in throw HostError(a.positional[0].stringValue!) })
        let exceptions = Value.object(ObjectBox(typeName: "Exceptions", attributes: ["raise_compiler_error": raise]))
        let error = try XCTUnwrap(templateError("\n{{ exceptions.raise_compiler_error('bad config') }}", ["exceptions": exceptions]))
        XCTAssertEqual(error.message, "bad config")
        XCTAssertEqual(error.line, 2)
    }

    func testLenientModePrintsNothingForUndefined() throws {
        XCTAssertEqual(try render("[{{ nope }}]", strict: false), "[]")
        XCTAssertThrowsError(try render("[{{ nope }}]"))
    }

    // MARK: - dbt's return() and macros shared between files

    func testReturnGivesTheMacroAValue() throws {
        let source = """
            {% macro columns() %}{{ return(['id', 'amount']) }}{% endmacro %}
            {% macro pick(n) %}{% if n > 1 %}{{ return('many') }}{% endif %}{{ return('one') }}{% endmacro %}
            {{ columns() | join(', ') }}|{{ columns() | length }}|{{ pick(2) }}|{{ pick(1) }}
            """
        XCTAssertEqual(try render(source).trimmingCharacters(in: .whitespacesAndNewlines), "id, amount|2|many|one")
    }

    func testMacrosFromOtherFilesCallEachOther() throws {
        // money.sql is read first but calls a macro from currency.sql: late binding, as in dbt.
        let money = try Template(source: "{% macro money(c) %}{{ clean_currency(c) }}::numeric{% endmacro %}",
                                 file: "macros/money.sql")
        let currency = try Template(source: "{% macro clean_currency(c) %}replace({{ c }}, '$', ''){% endmacro %}",
                                    file: "macros/currency.sql")
        let library = try MacroLibrary(templates: [money, currency])
        XCTAssertEqual(try render("select {{ money('amount') }}", library.functions), "select replace(amount, '$', '')::numeric")
        XCTAssertEqual(library.origins["clean_currency"], "macros/currency.sql")
    }

    func testDuplicateMacroNamesAreAnError() throws {
        let a = try Template(source: "{% macro m() %}a{% endmacro %}", file: "macros/a.sql")
        let b = try Template(source: "{% macro m() %}b{% endmacro %}", file: "macros/b.sql")
        XCTAssertThrowsError(try MacroLibrary(templates: [a, b])) { error in
            XCTAssertTrue("\(error)".contains("defined twice: in macros/a.sql and in macros/b.sql"), "\(error)")
        }
    }

    func testHostFunctionsReceivePositionalAndKeywordArguments() throws {
        let config = Value.function(Function(name: "config") { a in
            .string(a.keyword.map { "\($0.0)=\(PythonFormatting.str($0.1))" }.joined(separator: ";"))
        })
        XCTAssertEqual(try render("{{ config(materialized='table', unique_key=['a', 'b'], enabled=true) }}", ["config": config]),
                       "materialized=table;unique_key=['a', 'b'];enabled=True")
    }

    func testRelationObjectsPrintAndExposeAttributes() throws {
        let relation = Value.object(ObjectBox(typeName: "Relation", attributes: ["schema": .string("staging"),
                                                                                 "identifier": .string("stg_users")],
                                              rendered: "\"staging\".\"stg_users\""))
        XCTAssertEqual(try render("{{ this }} {{ this.schema }}.{{ this.identifier }}", ["this": relation]),
                       "\"staging\".\"stg_users\" staging.stg_users")
    }

    // MARK: - Limits

    func testInfiniteRecursionStopsWithAnError() throws {
        let error = try XCTUnwrap(templateError("{% macro loop_forever(n) %}{{ loop_forever(n + 1) }}{% endmacro %}{{ loop_forever(0) }}"))
        XCTAssertTrue(error.message.contains("infinite recursion"), error.message)
    }

    func testRunawayLoopsStopWithAnError() throws {
        var options = TemplateOptions()
        options.limits.maxLoopIterations = 10_000
        let template = try Template(source: "{% for i in range(100) %}{% for j in range(100) %}{% for k in range(2) %}x{% endfor %}{% endfor %}{% endfor %}",
                                    options: options)
        XCTAssertThrowsError(try template.render()) { error in
            XCTAssertTrue("\(error)".contains("loop iterations"), "\(error)")
        }
        XCTAssertThrowsError(try render("{{ range(1000000000) | length }}")) { error in
            XCTAssertTrue("\(error)".contains("range too big"), "\(error)")
        }
    }

    func testIntegerOverflowIsAnErrorNotACrash() {
        XCTAssertThrowsError(try render("{{ 9223372036854775807 + 1 }}"))
        XCTAssertThrowsError(try render("{{ 2 ** 64 }}"))
        XCTAssertThrowsError(try render("{{ 99999999999999999999 }}"))
    }

    func testParseOnceRenderMany() throws {
        let template = try Template(source: "{% for x in xs %}{{ x }}{% endfor %}")
        XCTAssertEqual(try template.render(["xs": .list([.int(1), .int(2)])]), "12")
        XCTAssertEqual(try template.render(["xs": .list([.string("a")])]), "a")
    }

    func testPythonFloatRepr() {
        let cases: [(Double, String)] = [(1, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"),
                                         (1.5e-5, "1.5e-05"), (0.0001, "0.0001"), (123456789.123, "123456789.123"),
                                         (-2.5, "-2.5"), (1e300, "1e+300"), (5e-324, "5e-324"), (0.30000000000000004, "0.30000000000000004")]
        for (value, expected) in cases { XCTAssertEqual(PythonFormatting.floatRepr(value), expected) }
    }
}
