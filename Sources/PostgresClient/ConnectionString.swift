import CLibPQ
import Foundation

/// A DSN as libpq accepts it: a `postgresql://` URL or a `key=value` keyword string.
public struct ConnectionString: Sendable, Equatable, CustomStringConvertible {
    public let raw: String

    public init(_ raw: String) { self.raw = raw.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Checks the DSN with libpq's own parser, so what we accept is exactly what `PQconnectdb` accepts.
    public func validate() throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(raw, &errorMessage) else {
            let text = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(kind: .connection, message: "invalid connection string: " + scrub(oneLine(text)))
        }
        PQconninfoFree(options)
    }

    /// The parsed keyword/value pairs that are set (libpq's view of the DSN).
    public func options() throws -> [String: String] {
        try validate()
        return parsedOptions()
    }

    private func parsedOptions() -> [String: String] {
        var result: [String: String] = [:]
        guard let options = PQconninfoParse(raw, nil) else { return result }
        defer { PQconninfoFree(options) }
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        return result
    }

    /// The DSN with any password replaced by `****`: the only form that may be printed or logged.
    public var masked: String { ConnectionString.mask(raw) }

    public var description: String { masked }

    /// `message` with the DSN (which libpq quotes in some errors) and its password masked.
    public func scrub(_ message: String) -> String {
        var text = message.replacingOccurrences(of: raw, with: masked)
        if let password = parsedOptions()["password"], !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "****")
        }
        return text
    }

    public static func mask(_ dsn: String) -> String {
        if dsn.hasPrefix("postgresql://") || dsn.hasPrefix("postgres://") {
            return maskURL(dsn)
        }
        return maskKeywords(dsn)
    }

    /// `scheme://user:secret@host/db?password=x` → `scheme://user:****@host/db?password=****`.
    private static func maskURL(_ url: String) -> String {
        var text = url
        let schemeEnd = text.range(of: "://")!.upperBound
        let authorityEnd = text[schemeEnd...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? text.endIndex
        let authority = text[schemeEnd..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[authority.startIndex..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "****")
            }
        }
        if let query = text.firstIndex(of: "?") {
            let head = text[..<query]
            let pairs = text[text.index(after: query)...].split(separator: "&", omittingEmptySubsequences: false)
            let maskedPairs = pairs.map { pair -> String in
                let lower = pair.lowercased()
                return lower.hasPrefix("password=") ? "password=****" : String(pair)
            }
            text = head + "?" + maskedPairs.joined(separator: "&")
        }
        return text
    }

    /// `host=x password='a b' user=y` → `host=x password=**** user=y`, quoted values included.
    private static func maskKeywords(_ dsn: String) -> String {
        var output = ""
        var index = dsn.startIndex
        while index < dsn.endIndex {
            let rest = dsn[index...]
            let lowerRest = rest.lowercased()
            let atWordStart = index == dsn.startIndex || dsn[dsn.index(before: index)].isWhitespace
            if atWordStart, let match = lowerRest.range(of: #"^password\s*=\s*"#, options: .regularExpression) {
                let prefixLength = lowerRest.distance(from: match.lowerBound, to: match.upperBound)
                let valueStart = dsn.index(index, offsetBy: prefixLength)
                output += "password=****"
                index = skipKeywordValue(dsn, from: valueStart)
            } else {
                output.append(dsn[index])
                index = dsn.index(after: index)
            }
        }
        return output
    }

    private static func skipKeywordValue(_ dsn: String, from start: String.Index) -> String.Index {
        var index = start
        if index < dsn.endIndex && dsn[index] == "'" {
            index = dsn.index(after: index)
            while index < dsn.endIndex && dsn[index] != "'" {
                if dsn[index] == "\\" { index = dsn.index(after: index); if index == dsn.endIndex { break } }
                index = dsn.index(after: index)
            }
            return index < dsn.endIndex ? dsn.index(after: index) : index
        }
        while index < dsn.endIndex && !dsn[index].isWhitespace { index = dsn.index(after: index) }
        return index
    }
}

/// libpq messages end with newlines and sometimes carry several lines; the CLI wants one.
public func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline)
        .map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty }
        .joined(separator: "; ")
}
