import Foundation
import Template

/// Python's `re` module as dbt exposes it (`modules.re`): `sub`, `search`, `match`, `fullmatch`,
/// `findall`, `split`, `compile`, `escape` and the flags, on NSRegularExpression. Python's
/// `(?P<name>…)`, `(?P=name)` and `\1` / `\g<name>` in replacements are translated.
enum PythonRegex {
    static let ignoreCase = 2, multiline = 8, dotAll = 16, verbose = 64

    static var module: Value {
        var attributes: [String: Value] = [
            "I": .int(ignoreCase), "IGNORECASE": .int(ignoreCase), "M": .int(multiline), "MULTILINE": .int(multiline),
            "S": .int(dotAll), "DOTALL": .int(dotAll), "X": .int(verbose), "VERBOSE": .int(verbose),
            "escape": .function(Function(name: "escape") { a in
                .string(NSRegularExpression.escapedPattern(for: a.positional.first?.stringValue ?? ""))
            }),
            "compile": .function(Function(name: "compile") { a in
                let pattern = a.value(0, "pattern")?.stringValue ?? ""
                let flags = a.value(1, "flags")?.intValue ?? 0
                return compiled(pattern, flags: flags)
            }),
        ]
        for (name, function) in functions(pattern: nil, flags: 0) { attributes[name] = function }
        return .object(ObjectBox(typeName: "module", attributes: attributes))
    }

    /// A compiled pattern: the same functions without the pattern argument.
    static func compiled(_ pattern: String, flags: Int) -> Value {
        var attributes = functions(pattern: pattern, flags: flags)
        attributes["pattern"] = .string(pattern)
        return .object(ObjectBox(typeName: "Pattern", attributes: attributes))
    }

    private static func functions(pattern fixed: String?, flags fixedFlags: Int) -> [String: Value] {
        // Module functions take (pattern, string, …); a compiled pattern's methods take (string, …).
        // `flagsAt`: where a module function takes its flags positionally after the pattern
        // (`re.search(p, s, flags)`: 1; `re.sub(p, r, s, count, flags)`: 3).
        func split(_ a: Arguments, flagsAt: Int = 1) throws -> (NSRegularExpression, [Value], Arguments) {
            var rest = a.positional
            let pattern: String
            var flags = fixedFlags
            if let fixed { pattern = fixed } else {
                guard let first = rest.first?.stringValue ?? a.value(0, "pattern")?.stringValue else { throw HostError("re: a pattern is needed") }
                pattern = first
                if !rest.isEmpty { rest.removeFirst() }
                flags = a.keyword.first { $0.0 == "flags" }?.1.intValue ?? (flagsAt < rest.count ? rest[flagsAt].intValue : nil) ?? flags
            }
            return (try regex(pattern, flags: flags), rest, a)
        }
        func text(_ values: [Value], _ index: Int, _ a: Arguments, _ name: String) -> String {
            index < values.count ? (values[index].stringValue ?? values[index].displayString) : (a.keyword.first { $0.0 == name }?.1.stringValue ?? "")
        }
        return [
            "sub": .function(Function(name: "sub") { a in
                let (regex, rest, args) = try split(a, flagsAt: 3)
                let replacement = text(rest, 0, args, "repl"), subject = text(rest, 1, args, "string")
                let count = (rest.count > 2 ? rest[2].intValue : args.keyword.first { $0.0 == "count" }?.1.intValue) ?? 0
                return .string(substitute(regex, in: subject, with: replacement, count: count))
            }),
            "search": .function(Function(name: "search") { a in
                let (regex, rest, args) = try split(a)
                let subject = text(rest, 0, args, "string")
                return matchObject(regex.firstMatch(in: subject, range: NSRange(subject.startIndex..., in: subject)), in: subject)
            }),
            "match": .function(Function(name: "match") { a in
                let (regex, rest, args) = try split(a)
                let subject = text(rest, 0, args, "string")
                return matchObject(regex.firstMatch(in: subject, options: .anchored, range: NSRange(subject.startIndex..., in: subject)), in: subject)
            }),
            "fullmatch": .function(Function(name: "fullmatch") { a in
                let (regex, rest, args) = try split(a)
                let subject = text(rest, 0, args, "string")
                let whole = NSRange(subject.startIndex..., in: subject)
                let found = regex.firstMatch(in: subject, options: .anchored, range: whole)
                return found.map { $0.range == whole } == true ? matchObject(found, in: subject) : .none
            }),
            "findall": .function(Function(name: "findall") { a in
                let (regex, rest, args) = try split(a)
                let subject = text(rest, 0, args, "string")
                return .list(regex.matches(in: subject, range: NSRange(subject.startIndex..., in: subject)).map { found in
                    let groups = (1..<max(found.numberOfRanges, 1)).map { group(found, $0, in: subject) }
                    if groups.isEmpty { return group(found, 0, in: subject) }
                    return groups.count == 1 ? groups[0] : .tuple(groups)
                })
            }),
            "split": .function(Function(name: "split") { a in
                let (regex, rest, args) = try split(a)
                let subject = text(rest, 0, args, "string")
                var pieces: [Value] = []
                var last = subject.startIndex
                for found in regex.matches(in: subject, range: NSRange(subject.startIndex..., in: subject)) {
                    guard let range = Range(found.range, in: subject) else { continue }
                    pieces.append(.string(String(subject[last..<range.lowerBound])))
                    for index in 1..<max(found.numberOfRanges, 1) { pieces.append(group(found, index, in: subject)) }
                    last = range.upperBound
                }
                pieces.append(.string(String(subject[last...])))
                return .list(pieces)
            }),
        ]
    }

    static func regex(_ pattern: String, flags: Int) throws -> NSRegularExpression {
        var options: NSRegularExpression.Options = []
        if flags & ignoreCase != 0 { options.insert(.caseInsensitive) }
        if flags & multiline != 0 { options.insert(.anchorsMatchLines) }
        if flags & dotAll != 0 { options.insert(.dotMatchesLineSeparators) }
        if flags & verbose != 0 { options.insert(.allowCommentsAndWhitespace) }
        let translated = literalBraces(pattern).replacingOccurrences(of: "(?P<", with: "(?<")
            .replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        do {
            return try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw HostError("re: invalid pattern \(PythonFormattingBridge.repr(pattern))")
        }
    }

    /// Python reads a `{` that does not start a `{n}`, `{n,}` or `{n,m}` quantifier (and its `}`) as
    /// a literal brace; ICU rejects it, so those braces are escaped (`{{\s*ref` in dbt-codegen).
    static func literalBraces(_ pattern: String) -> String {
        let characters = Array(pattern)
        var out = ""
        var index = 0
        var inClass = false
        var quantifierOpen = false
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count {
                out.append(character); out.append(characters[index + 1]); index += 2; continue
            }
            if inClass {
                if character == "]" { inClass = false }
                out.append(character); index += 1; continue
            }
            switch character {
            case "[": inClass = true; out.append(character)
            case "{":
                var end = index + 1
                while end < characters.count, characters[end].isNumber || characters[end] == "," { end += 1 }
                let body = String(characters[(index + 1)..<min(end, characters.count)])
                if end < characters.count, characters[end] == "}", body.first?.isNumber == true {
                    quantifierOpen = true
                    out.append(character)
                } else {
                    out += "\\{"
                }
            case "}":
                if quantifierOpen { quantifierOpen = false; out.append(character) } else { out += "\\}" }
            default: out.append(character)
            }
            index += 1
        }
        return out
    }

    /// Python replacement text (`\1`, `\g<1>`, `\g<name>`, `\\`) applied to each match.
    static func substitute(_ regex: NSRegularExpression, in subject: String, with replacement: String, count: Int) -> String {
        var result = ""
        var last = subject.startIndex
        var done = 0
        for found in regex.matches(in: subject, range: NSRange(subject.startIndex..., in: subject)) {
            if count > 0 && done == count { break }
            guard let range = Range(found.range, in: subject) else { continue }
            result += subject[last..<range.lowerBound]
            result += expand(replacement, found, regex, in: subject)
            last = range.upperBound
            done += 1
        }
        return result + subject[last...]
    }

    private static func expand(_ template: String, _ found: NSTextCheckingResult, _ regex: NSRegularExpression, in subject: String) -> String {
        var out = ""
        var characters = Array(template)[...]
        while let character = characters.popFirst() {
            guard character == "\\", let next = characters.first else { out.append(character); continue }
            if next.isNumber {
                var digits = ""
                while let d = characters.first, d.isNumber, digits.count < 2 { digits.append(d); characters.removeFirst() }
                out += group(found, Int(digits)!, in: subject).stringValue ?? ""
            } else if next == "g", characters.dropFirst().first == "<", let close = characters.firstIndex(of: ">") {
                let name = String(characters[characters.index(characters.startIndex, offsetBy: 2)..<close])
                characters = characters[characters.index(after: close)...]
                if let index = Int(name) { out += group(found, index, in: subject).stringValue ?? "" }
                else if let range = Range(found.range(withName: name), in: subject) { out += subject[range] }
            } else {
                characters.removeFirst()
                switch next {
                case "n": out += "\n"
                case "t": out += "\t"
                case "\\": out += "\\"
                default: out += "\\" + String(next)
                }
            }
        }
        return out
    }

    static func group(_ found: NSTextCheckingResult, _ index: Int, in subject: String) -> Value {
        guard index < found.numberOfRanges, let range = Range(found.range(at: index), in: subject) else { return .none }
        return .string(String(subject[range]))
    }

    /// A match object: `group(n)`, `groups()`, `start()`, `end()`, `span()`; none when nothing matched.
    static func matchObject(_ found: NSTextCheckingResult?, in subject: String) -> Value {
        guard let found else { return .none }
        func offset(_ location: Int) -> Int {
            guard let index = Range(NSRange(location: location, length: 0), in: subject)?.lowerBound else { return location }
            return subject.distance(from: subject.startIndex, to: index)
        }
        return .object(ObjectBox(typeName: "Match", attributes: [
            "group": .function(Function(name: "group") { a in
                let indexes = a.positional.isEmpty ? [Value.int(0)] : a.positional
                let values = indexes.map { index -> Value in
                    if let i = index.intValue { return group(found, i, in: subject) }
                    if let name = index.stringValue, let range = Range(found.range(withName: name), in: subject) { return .string(String(subject[range])) }
                    return .none
                }
                return values.count == 1 ? values[0] : .tuple(values)
            }),
            "groups": .function(Function(name: "groups") { _ in .tuple((1..<max(found.numberOfRanges, 1)).map { group(found, $0, in: subject) }) }),
            "start": .function(Function(name: "start") { _ in .int(offset(found.range.location)) }),
            "end": .function(Function(name: "end") { _ in .int(offset(found.range.location + found.range.length)) }),
            "span": .function(Function(name: "span") { _ in .tuple([.int(offset(found.range.location)), .int(offset(found.range.location + found.range.length))]) }),
        ], rendered: "<re.Match object>"))
    }
}

/// Python's `repr` for messages, without reaching into the template engine's internals.
enum PythonFormattingBridge {
    static func repr(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "\\'") + "'" }
}
