import Foundation
@testable import Template
import XCTest

/// Renders every case in Conformance/cases.json (produced by real Jinja2 with generate.py) and
/// compares byte for byte; cases where Jinja2 raised must raise here too.
final class ConformanceTests: XCTestCase {
    struct Case {
        let name: String
        let template: String
        let strict: Bool
        let hosts: Bool
        let keepTrailingNewline: Bool
        let output: String?
        let error: String?
    }

    static func load() throws -> (context: [String: Value], cases: [Case]) {
        let url = Bundle.module.url(forResource: "cases", withExtension: "json", subdirectory: "Conformance")!
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        guard case .dict(let contextBox) = decode(json["context"]!) else { fatalError("context must be a dict") }
        var context: [String: Value] = [:]
        for (key, value) in contextBox.pairs { context[key.stringValue!] = value }
        let cases = (json["cases"] as! [[String: Any]]).map { raw in
            Case(name: raw["name"] as! String, template: raw["template"] as! String, strict: raw["strict"] as! Bool,
                 hosts: raw["hosts"] as! Bool, keepTrailingNewline: raw["keep_trailing_newline"] as! Bool,
                 output: raw["output"] as? String, error: raw["error"] as? String)
        }
        return (context, cases)
    }

    /// The generator writes values tagged with their Python type: {"i": 1}, {"f": 1.5}, {"d": [[k, v]]} …
    static func decode(_ any: Any) -> Value {
        let tagged = any as! [String: Any]
        let (tag, payload) = tagged.first!
        switch tag {
        case "n": return .none
        case "b": return .bool(payload as! Bool)
        case "i": return .int((payload as! NSNumber).intValue)
        case "f": return .double((payload as! NSNumber).doubleValue)
        case "s": return .string(payload as! String)
        case "l": return .list((payload as! [Any]).map(decode))
        case "t": return .tuple((payload as! [Any]).map(decode))
        case "d":
            let box = DictBox()
            for pair in payload as! [[Any]] { box.set(.string(pair[0] as! String), decode(pair[1])) }
            return .dict(box)
        default: fatalError("unknown tag \(tag)")
        }
    }

    /// The same host functions generate.py gives Jinja2.
    static let hostFunctions: [String: Value] = [
        "ref": .function(Function(name: "ref") { a in .string("\"analytics\".\"\(a.positional[0].stringValue!)\"") }),
        "source": .function(Function(name: "source") { a in
            .string("\"raw\".\"\(a.positional[0].stringValue!)_\(a.positional[1].stringValue!)\"")
        }),
        "config": .function(Function(name: "config") { _ in .string("") }),
        "var": .function(Function(name: "var") { a in
            let values: [String: Value] = ["start_date": .string("2010-01-01"), "threshold": .int(100)]
            let name = a.positional[0].stringValue!
            if let value = values[name] { return value }
            guard a.positional.count > 1 else { throw HostError("var \(name)") }
            return a.positional[1]
        }),
    ]

    func testEveryCaseMatchesJinja2() throws {
        let (baseContext, cases) = try Self.load()
        XCTAssertGreaterThanOrEqual(cases.count, 300)
        var failures: [String] = []
        for c in cases {
            var context = baseContext.mapValues(deepCopy)
            if c.hosts { context.merge(Self.hostFunctions) { $1 } }
            let options = TemplateOptions(strictUndefined: c.strict, keepTrailingNewline: c.keepTrailingNewline)
            do {
                let output = try Template(source: c.template, file: "case.sql", options: options).render(context)
                if let expected = c.output {
                    if output != expected { failures.append("\(c.name)\n  expected: \(expected.debugDescription)\n  got:      \(output.debugDescription)") }
                } else {
                    failures.append("\(c.name)\n  expected an error (\(c.error!)), got: \(output.debugDescription)")
                }
            } catch {
                if c.output != nil { failures.append("\(c.name)\n  expected: \(c.output!.debugDescription)\n  error:    \(error)") }
            }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(cases.count) cases differ from Jinja2:\n" + failures.joined(separator: "\n"))
    }

    /// Cases that mutate lists and dicts must not leak into later ones.
    private func deepCopy(_ value: Value) -> Value {
        switch value {
        case .list(let l): return .list(l.items.map(deepCopy))
        case .dict(let d):
            let box = DictBox()
            for (k, v) in d.pairs { box.set(k, deepCopy(v)) }
            return .dict(box)
        case .tuple(let t): return .tuple(t.map(deepCopy))
        default: return value
        }
    }
}
