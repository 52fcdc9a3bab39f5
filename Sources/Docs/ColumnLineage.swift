import Foundation

/// Column-level lineage for models whose SQL is selects over named columns: for each output column,
/// the upstream relation columns it is computed from. Handles CTE chains (`with a as (…), b as (…)
/// select * from b`), aliases, `t.col` and bare `col`, `*` and `t.*`, joins and subqueries in FROM.
/// What it cannot follow (set operations, functions returning tables) yields no entry, never a guess.
public enum ColumnLineage {
    /// A column of a relation outside the model (a model, source or seed), by its quoted relation name.
    public struct Origin: Hashable, Sendable {
        public let relation: String
        public let column: String
    }

    /// Output column → origins. `columnsOf` gives the columns of an upstream relation when known.
    public static func trace(sql: String, columnsOf: @escaping (String) -> [String]?) -> [(column: String, origins: [Origin])] {
        var parser = SQLScanner(sql)
        guard let query = parser.parseQuery() else { return [] }
        var resolver = Resolver(columnsOf: columnsOf)
        return resolver.outputs(of: query, ctes: [:])
    }
}

// MARK: - A tiny SQL syntax tree

struct SelectItem {
    var expressionIdentifiers: [(qualifier: String?, name: String)]
    var star: String?  // "" for *, "t" for t.*
    var isStar: Bool
    var alias: String?
    var plainColumn: String?
}

indirect enum FromItem {
    case relation(name: String, alias: String?)
    case subquery(Query, alias: String?)
}

struct Query {
    var ctes: [(String, Query)]
    var items: [SelectItem]
    var from: [FromItem]
}

struct SQLScanner {
    enum Token: Equatable { case word(String), quoted(String), symbol(String), literal }

    var tokens: [Token] = []
    var index = 0

    init(_ sql: String) {
        let chars = Array(sql)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" { while i < chars.count && chars[i] != "\n" { i += 1 }; continue }
            if c == "/", i + 1 < chars.count, chars[i + 1] == "*" {
                i += 2
                while i + 1 < chars.count && !(chars[i] == "*" && chars[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "'" {
                i += 1
                while i < chars.count { if chars[i] == "'" { if i + 1 < chars.count && chars[i + 1] == "'" { i += 2; continue }; break }; i += 1 }
                i += 1
                tokens.append(.literal)
                continue
            }
            if c == "\"" {
                var name = ""
                i += 1
                while i < chars.count { if chars[i] == "\"" { if i + 1 < chars.count && chars[i + 1] == "\"" { name.append("\""); i += 2; continue }; break }; name.append(chars[i]); i += 1 }
                i += 1
                tokens.append(.quoted(name))
                continue
            }
            if c.isLetter || c == "_" {
                var word = ""
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_" || chars[i] == "$") { word.append(chars[i]); i += 1 }
                tokens.append(.word(word.lowercased()))
                continue
            }
            if c.isNumber { while i < chars.count && (chars[i].isNumber || chars[i] == ".") { i += 1 }; tokens.append(.literal); continue }
            if c == ":", i + 1 < chars.count, chars[i + 1] == ":" { tokens.append(.symbol("::")); i += 2; continue }
            tokens.append(.symbol(String(c)))
            i += 1
        }
    }

    var current: Token? { index < tokens.count ? tokens[index] : nil }
    func isWord(_ w: String) -> Bool { current == .word(w) }
    func isSymbol(_ s: String) -> Bool { current == .symbol(s) }

    mutating func parseQuery() -> Query? {
        var ctes: [(String, Query)] = []
        if isWord("with") {
            index += 1
            if isWord("recursive") { return nil }
            while true {
                guard let name = identifier() else { return nil }
                if isSymbol("(") { skipParens() }  // column list
                guard isWord("as") else { return nil }
                index += 1
                if isWord("materialized") || isWord("not") { while !isSymbol("(") && current != nil { index += 1 } }
                guard isSymbol("(") else { return nil }
                index += 1
                guard let inner = parseQuery() else { return nil }
                guard isSymbol(")") else { return nil }
                index += 1
                ctes.append((name, inner))
                if isSymbol(",") { index += 1; continue }
                break
            }
        }
        guard isWord("select") else { return nil }
        index += 1
        if isWord("distinct") || isWord("all") { index += 1; if isWord("on") { index += 1; skipParens() } }
        var items: [SelectItem] = []
        while current != nil && !isWord("from") && !isSymbol(")") {
            let before = index
            items.append(parseItem())
            if isSymbol(",") { index += 1 }
            if index == before { break }  // nothing consumed: a clause the item parser stops at
        }
        if isWord("union") || isWord("intersect") || isWord("except") { return nil }
        var from: [FromItem] = []
        if isWord("from") {
            index += 1
            from = parseFrom()
        }
        // Skip the rest of this query (where, group by, …) up to its closing parenthesis.
        var depth = 0
        while let token = current {
            if token == .symbol("(") { depth += 1 }
            if token == .symbol(")") { if depth == 0 { break }; depth -= 1 }
            if depth == 0, token == .word("union") || token == .word("intersect") || token == .word("except") { return nil }
            index += 1
        }
        return Query(ctes: ctes, items: items, from: from)
    }

    mutating func parseItem() -> SelectItem {
        var identifiers: [(String?, String)] = []
        var depth = 0
        var tokensInItem = 0
        var alias: String?
        var first: [Token] = []
        while let token = current {
            // `is distinct from` is an operator, not the FROM clause.
            let isClauseFrom = token == .word("from") && first.last != .word("distinct")
            if depth == 0 && (token == .symbol(",") || isClauseFrom || token == .symbol(")")
                              || token == .word("union") || token == .word("intersect") || token == .word("except")) { break }
            // CASE … END nests like parentheses: commas and keywords inside belong to the expression.
            if token == .symbol("(") || token == .word("case") { depth += 1 }
            if token == .symbol(")") || token == .word("end") { depth -= 1 }
            if depth == 0, token == .word("as") {
                index += 1
                alias = identifier()
                continue
            }
            first.append(token)
            tokensInItem += 1
            index += 1
        }
        // `expr alias` without AS: a trailing identifier after a complete expression.
        if alias == nil, first.count >= 2, let last = first.last, let name = Self.name(last),
           !Self.isOperatorBefore(first[first.count - 2]) {
            alias = name
            first.removeLast()
        }
        // Identifiers: `q.col` or `col` not followed by `(` (function names) and not keywords.
        var k = 0
        var star: String?
        var isStar = false
        while k < first.count {
            if first[k] == .symbol("*") && first.count == 1 { isStar = true; star = "" }
            if let name = Self.name(first[k]) {
                if k + 2 < first.count, first[k + 1] == .symbol("."), first[k + 2] == .symbol("*"), first.count == 3 {
                    isStar = true; star = name; k += 3; continue
                }
                if k + 2 < first.count, first[k + 1] == .symbol("."), let column = Self.name(first[k + 2]) {
                    identifiers.append((name, column)); k += 3; continue
                }
                let isCall = k + 1 < first.count && first[k + 1] == .symbol("(")
                let afterCast = k > 0 && first[k - 1] == .symbol("::")
                // Keywords are kept too (a column may be called `date`); only names found in scope count later.
                if !isCall && !afterCast { identifiers.append((nil, name)) }
            }
            k += 1
        }
        var plain: String?
        if first.count == 1, let name = Self.name(first[0]) { plain = name }
        if first.count == 3, first[1] == .symbol("."), let name = Self.name(first[2]) { plain = name }
        return SelectItem(expressionIdentifiers: identifiers, star: star, isStar: isStar, alias: alias, plainColumn: plain)
    }

    mutating func parseFrom() -> [FromItem] {
        var items: [FromItem] = []
        while let token = current {
            if token == .symbol("(") {
                index += 1
                if isWord("select") || isWord("with") {
                    let inner = parseQuery()
                    if isSymbol(")") { index += 1 }
                    let alias = optionalAlias()
                    if let inner { items.append(.subquery(inner, alias: alias)) }
                } else {
                    skipParensInside()
                }
                continue
            }
            if let name = Self.name(token), !Self.joinWords.contains(name) {
                var parts = [name]
                index += 1
                while isSymbol("."), index + 1 < tokens.count, let next = Self.name(tokens[index + 1]) { parts.append(next); index += 2 }
                if isSymbol("(") { skipParens(); _ = optionalAlias(); continue }  // table function
                let relation = parts.count == 1 ? parts[0] : parts.suffix(2).map { "\"\($0)\"" }.joined(separator: ".")
                items.append(.relation(name: relation, alias: optionalAlias()))
                continue
            }
            if token == .word("on") || token == .word("using") {
                index += 1
                skipCondition()
                continue
            }
            if token == .word("where") || token == .word("group") || token == .word("order") || token == .word("having")
                || token == .word("limit") || token == .word("window") || token == .word("union") || token == .symbol(")") { break }
            index += 1
        }
        return items
    }

    mutating func optionalAlias() -> String? {
        if isWord("as") { index += 1; return identifier() }
        if let token = current, let name = Self.name(token), !Self.joinWords.contains(name), !Self.clauseWords.contains(name) {
            index += 1
            return name
        }
        return nil
    }

    mutating func skipCondition() {
        var depth = 0
        while let token = current {
            if token == .symbol("(") { depth += 1 }
            if token == .symbol(")") { if depth == 0 { return }; depth -= 1 }
            if depth == 0, case .word(let w) = token, Self.joinWords.contains(w) || Self.clauseWords.contains(w) { return }
            if depth == 0, token == .symbol(",") { return }
            index += 1
        }
    }

    mutating func identifier() -> String? {
        guard let token = current, let name = Self.name(token) else { return nil }
        index += 1
        return name
    }

    mutating func skipParens() {
        guard isSymbol("(") else { return }
        index += 1
        skipParensInside()
    }

    mutating func skipParensInside() {
        var depth = 1
        while let token = current, depth > 0 {
            if token == .symbol("(") { depth += 1 }
            if token == .symbol(")") { depth -= 1 }
            index += 1
        }
    }

    static func name(_ token: Token) -> String? {
        switch token {
        case .word(let w): return w
        case .quoted(let q): return q
        default: return nil
        }
    }

    static func isOperatorBefore(_ token: Token) -> Bool {
        if case .symbol(let s) = token { return s != ")" }
        if case .word(let w) = token { return keywords.contains(w) && !["end", "null", "true", "false"].contains(w) }
        return false
    }

    static let joinWords: Set<String> = ["join", "left", "right", "inner", "outer", "full", "cross", "natural", "lateral", "on", "using"]
    static let clauseWords: Set<String> = ["where", "group", "order", "having", "limit", "offset", "window", "union", "intersect", "except", "fetch", "for"]
    static let keywords: Set<String> = ["case", "when", "then", "else", "end", "and", "or", "not", "is", "null", "in", "like", "ilike",
                                        "between", "true", "false", "distinct", "interval", "cast", "as", "over", "partition", "by",
                                        "order", "filter", "where", "exists", "any", "all", "some", "extract", "from", "at", "time",
                                        "zone", "asc", "desc", "nulls", "first", "last", "similar", "to", "escape", "current_date",
                                        "current_timestamp", "now", "array", "row", "within", "group", "date", "timestamp", "numeric",
                                        "integer", "bigint", "text", "boolean", "varchar", "char", "double", "precision", "real"]
}

// MARK: - Resolution

struct Resolver {
    let columnsOf: (String) -> [String]?

    /// A FROM item resolved: its alias, and its output columns with their origins.
    struct Scope {
        let alias: String
        let columns: [(String, Set<ColumnLineage.Origin>)]
    }

    mutating func outputs(of query: Query, ctes outer: [String: [(String, Set<ColumnLineage.Origin>)]]) -> [(column: String, origins: [ColumnLineage.Origin])] {
        var ctes = outer
        for (name, inner) in query.ctes {
            ctes[name] = outputs(of: inner, ctes: ctes).map { ($0.column, Set($0.origins)) }
        }
        var scopes: [Scope] = []
        for item in query.from {
            switch item {
            case .relation(let name, let alias):
                let bare = name.replacingOccurrences(of: "\"", with: "")
                if let cte = ctes[name] {
                    scopes.append(Scope(alias: alias ?? name, columns: cte))
                } else {
                    let columns = columnsOf(name) ?? []
                    let last = bare.split(separator: ".").last.map(String.init) ?? bare
                    scopes.append(Scope(alias: alias ?? last, columns: columns.map { ($0, [ColumnLineage.Origin(relation: name, column: $0)]) }))
                }
            case .subquery(let inner, let alias):
                scopes.append(Scope(alias: alias ?? "", columns: outputs(of: inner, ctes: ctes).map { ($0.column, Set($0.origins)) }))
            }
        }
        var result: [(column: String, origins: [ColumnLineage.Origin])] = []
        for item in query.items {
            if item.isStar {
                let chosen = item.star == "" ? scopes : scopes.filter { $0.alias == item.star }
                for scope in chosen { for (name, origins) in scope.columns { result.append((name, Self.sorted(origins))) } }
                continue
            }
            var origins: Set<ColumnLineage.Origin> = []
            for (qualifier, name) in item.expressionIdentifiers {
                let candidates = qualifier.map { q in scopes.filter { $0.alias == q } } ?? scopes
                for scope in candidates {
                    if let column = scope.columns.first(where: { $0.0 == name }) { origins.formUnion(column.1) }
                }
            }
            guard let name = item.alias ?? item.plainColumn else { continue }
            result.append((name, Self.sorted(origins)))
        }
        return result
    }

    static func sorted(_ origins: Set<ColumnLineage.Origin>) -> [ColumnLineage.Origin] {
        origins.sorted { ($0.relation, $0.column) < ($1.relation, $1.column) }
    }
}
