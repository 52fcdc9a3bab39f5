import Foundation
import Template
import Yams

/// The Python builtins and helpers dbt adds to every template's context, beyond Jinja's own:
/// `zip`, `set`, `fromjson`, `fromyaml`, `print`, `invocation_id`,
/// `run_started_at` (a UTC datetime with `strftime`) and `modules.datetime` for dates.
enum DbtContext {
    static func builtins(runStartedAt: Date, invocationId: String) -> [String: Value] {
        [
            "zip": .function(Function(name: "zip") { a in
                let sequences = try a.positional.map { value -> [Value] in
                    guard let items = value.iterationItems() else { throw HostError("zip() takes iterables, not \(value.typeName)") }
                    return items
                }
                let count = sequences.map(\.count).min() ?? 0
                return .list((0..<count).map { i in .tuple(sequences.map { $0[i] }) })
            }),
            // Python's set: distinct items (kept in first-seen order, so output is deterministic).
            "set": .function(Function(name: "set") { a in
                guard let items = (a.positional.first ?? .list([])).iterationItems() else { throw HostError("set() takes an iterable") }
                var distinct: [Value] = []
                for item in items where !distinct.contains(where: { $0.isEqual(to: item) }) { distinct.append(item) }
                return .list(ListBox(distinct, isSet: true))
            }),
            "fromjson": .function(Function(name: "fromjson") { a in
                guard let text = a.value(0, "string")?.stringValue, let data = text.data(using: .utf8),
                      let parsed = try? JSONDecoder().decode(DecodedJSON.self, from: data) else {
                    return a.value(1, "default", default: .none) ?? .none
                }
                return parsed.value
            }),
            "fromyaml": .function(Function(name: "fromyaml") { a in
                guard let text = a.value(0, "value")?.stringValue, let node = try? Yams.compose(yaml: text) else {
                    return a.value(1, "default", default: .none) ?? .none
                }
                return YAMLValue.value(node)
            }),
            "print": .function(Function(name: "print") { a in
                FileHandle.standardError.write(Data((a.positional.map(\.displayString).joined(separator: " ") + "\n").utf8))
                return .string("")
            }),
            "invocation_id": .string(invocationId),
            "run_started_at": PythonDateTime.value(runStartedAt),
            "modules": .object(ObjectBox(typeName: "modules", attributes: ["datetime": PythonDateTime.module(), "re": PythonRegex.module, "itertools": PythonItertools.module])),
            "local_md5": .function(Function(name: "local_md5") { a in .string(Digest.md5(a.positional.first?.displayString ?? "")) }),
            "toyaml": .function(Function(name: "toyaml") { a in .string(PythonYAML.dump(a.value(0, "value") ?? .none)) }),
        ]
    }
}

/// PyYAML's `safe_dump(value, sort_keys=False)`, as dbt's `toyaml`: block style, sequences at their
/// key's indentation, strings plain where YAML reads them back as strings and single-quoted otherwise.
enum PythonYAML {
    static func dump(_ value: Value) -> String {
        switch value {
        case .list, .tuple, .dict:
            var lines: [String] = []
            emit(value, indent: 0, into: &lines, inline: nil)
            return lines.joined(separator: "\n") + "\n"
        default:
            let text = scalar(value)
            return text + "\n" + (text.hasPrefix("'") ? "" : "...\n")
        }
    }

    private static func isCollection(_ value: Value) -> Bool {
        switch value {
        case .list, .tuple, .dict: return true
        default: return false
        }
    }

    private static func isEmptyCollection(_ value: Value) -> Bool {
        switch value {
        case .list(let l): return l.items.isEmpty
        case .tuple(let t): return t.isEmpty
        case .dict(let d): return d.count == 0
        default: return false
        }
    }

    /// Appends `value`'s lines; `inline` is the text its first line starts with (`key:` or `-`).
    private static func emit(_ value: Value, indent: Int, into lines: inout [String], inline: String?) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .list, .tuple:
            let items = value.iterationItems() ?? []
            if items.isEmpty { lines.append(pad + (inline.map { $0 + " " } ?? "") + "[]"); return }
            if let inline { lines.append(pad + inline) }
            for item in items {
                if isCollection(item) && !isEmptyCollection(item) {
                    // A mapping or list inside a list starts on the dash's line: `- k: 1` / `- - 1`.
                    var nested: [String] = []
                    emit(item, indent: indent + 2, into: &nested, inline: nil)
                    nested[0] = pad + "- " + nested[0].dropFirst(indent + 2)
                    lines += nested
                } else {
                    lines.append(pad + "- " + scalarOrEmpty(item))
                }
            }
        case .dict(let d):
            if d.count == 0 { lines.append(pad + (inline.map { $0 + " " } ?? "") + "{}"); return }
            var childIndent = indent
            if let inline { lines.append(pad + inline); childIndent += 2 }
            let childPad = String(repeating: " ", count: childIndent)
            for (key, item) in d.pairs {
                let label = scalar(key) + ":"
                switch item {
                case .dict where !isEmptyCollection(item): emit(item, indent: childIndent, into: &lines, inline: label)
                case .list, .tuple:
                    if isEmptyCollection(item) { lines.append(childPad + label + " []") }
                    else { lines.append(childPad + label); emit(item, indent: childIndent, into: &lines, inline: nil) }
                default: lines.append(childPad + label + " " + scalarOrEmpty(item))
                }
            }
        default:
            lines.append(pad + (inline.map { $0 + " " } ?? "") + scalar(value))
        }
    }

    private static func scalarOrEmpty(_ value: Value) -> String {
        if case .dict = value { return "{}" }
        if case .list = value { return "[]" }
        return scalar(value)
    }

    static func scalar(_ value: Value) -> String {
        switch value {
        case .none, .undefined: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double: return value.displayString
        case .string(let s): return string(s)
        default: return string(value.displayString)
        }
    }

    private static func string(_ s: String) -> String {
        let reserved = ["", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"]
        let looksNumeric = Double(s) != nil || s.range(of: #"^[-+]?(\.inf|\.nan|0x[0-9a-f]+|0o[0-7]+|[0-9][0-9_:]*(\.[0-9_]*)?)$"#,
                                                     options: [.regularExpression, .caseInsensitive]) != nil
        let plain = s.range(of: #"^[A-Za-z0-9_./(][A-Za-z0-9_ ./()=<>*+-]*$"#, options: .regularExpression) != nil
            && !s.hasSuffix(" ") && !reserved.contains(s.lowercased()) && !looksNumeric
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

/// A JSON document decoded into template values (booleans stay booleans, integers integers).
private struct DecodedJSON: Decodable {
    let value: Value
    init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [Value] = []
            while !array.isAtEnd { items.append(try array.decode(DecodedJSON.self).value) }
            value = .list(items)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            value = .dict(try object.allKeys.map { ($0.stringValue, try object.decode(DecodedJSON.self, forKey: $0).value) })
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() { value = .none }
            else if let b = try? single.decode(Bool.self) { value = .bool(b) }
            else if let i = try? single.decode(Int.self) { value = .int(i) }
            else if let d = try? single.decode(Double.self) { value = .double(d) }
            else { value = .string(try single.decode(String.self)) }
        }
    }

    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }
}

/// Python's `datetime` for templates, in UTC: `run_started_at`, and `modules.datetime.datetime.now()`
/// or `.date.today()` for incremental windows and file names: `strftime`, `isoformat`, the parts.
enum PythonDateTime {
    static func value(_ date: Date, dateOnly: Bool = false) -> Value {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond, .weekday], from: date)
        let micro = (parts.nanosecond ?? 0) / 1000
        let day = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        let time = String(format: "%02d:%02d:%02d", parts.hour!, parts.minute!, parts.second!) + (micro > 0 ? String(format: ".%06d", micro) : "")
        var attributes: [String: Value] = [
            "year": .int(parts.year!), "month": .int(parts.month!), "day": .int(parts.day!),
            "isoformat": .function(Function(name: "isoformat") { _ in .string(dateOnly ? day : day + "T" + time + "+00:00") }),
            "strftime": .function(Function(name: "strftime") { a in
                guard let format = a.positional.first?.stringValue else { throw HostError("strftime() takes a format") }
                return .string(strftime(format, parts, micro: micro))
            }),
            "weekday": .function(Function(name: "weekday") { _ in .int((parts.weekday! + 5) % 7) }),
            "isoweekday": .function(Function(name: "isoweekday") { _ in .int((parts.weekday! + 5) % 7 + 1) }),
        ]
        if !dateOnly {
            attributes["hour"] = .int(parts.hour!)
            attributes["minute"] = .int(parts.minute!)
            attributes["second"] = .int(parts.second!)
            attributes["microsecond"] = .int(micro)
            attributes["date"] = .function(Function(name: "date") { _ in value(date, dateOnly: true) })
        }
        return .object(ObjectBox(typeName: dateOnly ? "date" : "datetime", attributes: attributes,
                                 rendered: dateOnly ? day : day + " " + time + "+00:00"))
    }

    /// `modules.datetime`: `datetime.now()`, `datetime.utcnow()`, `date.today()`, and `datetime(y, m, d, …)` / `date(y, m, d)`.
    static func module() -> Value {
        func make(_ a: Arguments, dateOnly: Bool) throws -> Value {
            let names = ["year", "month", "day", "hour", "minute", "second"]
            var numbers: [Int] = []
            for (position, name) in names.enumerated() {
                guard let number = a.value(position, name)?.intValue else {
                    if position < 3 { throw HostError("\(dateOnly ? "date" : "datetime")() needs year, month and day") }
                    numbers.append(0)
                    continue
                }
                numbers.append(number)
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            guard let date = calendar.date(from: DateComponents(year: numbers[0], month: numbers[1], day: numbers[2],
                                                                hour: numbers[3], minute: numbers[4], second: numbers[5])) else {
                throw HostError("not a valid date")
            }
            return value(date, dateOnly: dateOnly)
        }
        let now = Function(name: "now") { _ in value(Date()) }
        let datetime = ObjectBox(typeName: "type", attributes: ["now": .function(now), "utcnow": .function(now)])
        datetime.callable = Function(name: "datetime") { a in try make(a, dateOnly: false) }
        let date = ObjectBox(typeName: "type", attributes: ["today": .function(Function(name: "today") { _ in value(Date(), dateOnly: true) })])
        date.callable = Function(name: "date") { a in try make(a, dateOnly: true) }
        return .object(ObjectBox(typeName: "module", attributes: ["datetime": .object(datetime), "date": .object(date)]))
    }

    private static func strftime(_ format: String, _ parts: DateComponents, micro: Int) -> String {
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let dayOfYear = calendar.date(from: parts).flatMap { calendar.ordinality(of: .day, in: .year, for: $0) } ?? 0
        var output = ""
        var iterator = format.makeIterator()
        while let character = iterator.next() {
            guard character == "%", let directive = iterator.next() else { output.append(character); continue }
            switch directive {
            case "Y": output += String(format: "%04d", parts.year!)
            case "y": output += String(format: "%02d", parts.year! % 100)
            case "m": output += String(format: "%02d", parts.month!)
            case "d": output += String(format: "%02d", parts.day!)
            case "H": output += String(format: "%02d", parts.hour ?? 0)
            case "I": output += String(format: "%02d", ((parts.hour ?? 0) + 11) % 12 + 1)
            case "p": output += (parts.hour ?? 0) < 12 ? "AM" : "PM"
            case "M": output += String(format: "%02d", parts.minute ?? 0)
            case "S": output += String(format: "%02d", parts.second ?? 0)
            case "f": output += String(format: "%06d", micro)
            case "j": output += String(format: "%03d", dayOfYear)
            case "A": output += weekdays[parts.weekday! - 1]
            case "a": output += String(weekdays[parts.weekday! - 1].prefix(3))
            case "B": output += months[parts.month! - 1]
            case "b": output += String(months[parts.month! - 1].prefix(3))
            case "Z": output += "UTC"
            case "z": output += "+0000"
            case "%": output += "%"
            default: output += "%" + String(directive)
            }
        }
        return output
    }
}

/// Python's `itertools` as dbt exposes it (`modules.itertools`): `chain`, `product`, `combinations`,
/// `permutations`, each giving a list.
enum PythonItertools {
    static var module: Value {
        func items(_ value: Value) throws -> [Value] {
            guard let items = value.iterationItems() else { throw HostError("itertools takes iterables, not \(value.typeName)") }
            return items
        }
        return .object(ObjectBox(typeName: "module", attributes: [
            "chain": .function(Function(name: "chain") { a in .list(try a.positional.flatMap(items)) }),
            "product": .function(Function(name: "product") { a in
                let repeatCount = a.keyword.first { $0.0 == "repeat" }?.1.intValue ?? 1
                let pools = Array(repeating: try a.positional.map(items), count: max(repeatCount, 0)).flatMap { $0 }
                var result: [[Value]] = [[]]
                for pool in pools { result = result.flatMap { prefix in pool.map { prefix + [$0] } } }
                return .list(result.map { .tuple($0) })
            }),
            "combinations": .function(Function(name: "combinations") { a in
                let pool = try items(a.value(0, "iterable") ?? .list([]))
                guard let r = a.value(1, "r")?.intValue, r >= 0 else { throw HostError("combinations() needs r") }
                var result: [Value] = []
                func pick(_ start: Int, _ chosen: [Value]) {
                    if chosen.count == r { result.append(.tuple(chosen)); return }
                    guard start < pool.count else { return }
                    for i in start..<pool.count { pick(i + 1, chosen + [pool[i]]) }
                }
                pick(0, [])
                return .list(result)
            }),
            "permutations": .function(Function(name: "permutations") { a in
                let pool = try items(a.value(0, "iterable") ?? .list([]))
                let r = a.value(1, "r")?.intValue ?? pool.count
                var result: [Value] = []
                func pick(_ used: [Int]) {
                    if used.count == r { result.append(.tuple(used.map { pool[$0] })); return }
                    for i in pool.indices where !used.contains(i) { pick(used + [i]) }
                }
                if r <= pool.count { pick([]) }
                return .list(result)
            }),
        ]))
    }
}
