/// Builds the statement tree from tokens, following Jinja2's grammar and operator precedence.
struct Parser {
    private let tokens: [Token]
    private var index = 0
    let file: String
    let sourceBytes: [UInt8]

    init(tokens: [Token], file: String, sourceBytes: [UInt8]) {
        self.tokens = tokens
        self.file = file
        self.sourceBytes = sourceBytes
    }

    mutating func parseTemplate() throws -> [Node] {
        let (nodes, end) = try parseNodes(until: [])
        if let end { throw error("unexpected '\(end)': no block is open", at: current.location) }
        return nodes
    }

    // MARK: - Statements

    private var current: Token { tokens[index] }
    private var next: Token { tokens[min(index + 1, tokens.count - 1)] }

    /// Parses nodes until a block tag whose keyword is in `endTags` (left unconsumed after its `{%`),
    /// returning that keyword; or until the end of the template (keyword nil).
    private mutating func parseNodes(until endTags: Set<String>) throws -> ([Node], String?) {
        var nodes: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                return (nodes, nil)
            case .text(let text):
                nodes.append(.text(text))
                index += 1
            case .variableBegin:
                index += 1
                let expr = try parseTuple()
                try expect(.variableEnd, "'}}'")
                nodes.append(.output(expr))
            case .blockBegin:
                guard case .name(let keyword) = next.kind else {
                    throw error("expected a statement name after '{%'", at: next.location)
                }
                if endTags.contains(keyword) {
                    index += 1  // leave the keyword for the caller
                    return (nodes, keyword)
                }
                index += 2
                nodes.append(try parseStatement(keyword, at: token.location))
            default:
                throw error("unexpected token", at: token.location)
            }
        }
    }

    /// Parses the body of a block up to one of `endTags`; errors name the block that is left open.
    private mutating func parseBody(until endTags: Set<String>, opened: String, at location: SourceLocation) throws -> ([Node], String) {
        let (nodes, end) = try parseNodes(until: endTags)
        guard let end else {
            let expected = endTags.sorted().map { "'\($0)'" }.joined(separator: " or ")
            throw error("unexpected end of template: '\(opened)' block opened at line \(location.line) needs \(expected)", at: current.location)
        }
        return (nodes, end)
    }

    private mutating func parseStatement(_ keyword: String, at location: SourceLocation) throws -> Node {
        switch keyword {
        case "if": return try parseIf(location)
        case "for": return try parseFor(location)
        case "set": return try parseSet(location)
        case "macro": return try parseMacro(location, endTag: "endmacro", namePrefix: "")
        case "test": return try parseMacro(location, endTag: "endtest", namePrefix: "test_")
        case "call": return try parseCallBlock(location)
        case "filter":
            let filters = try parseFilterChain()
            try expect(.blockEnd, "'%}'")
            let (body, _) = try parseBody(until: ["endfilter"], opened: "filter", at: location)
            try finishEndTag()
            return .filterBlock(filters, body)
        case "do":
            let expr = try parseTuple()
            try expect(.blockEnd, "'%}'")
            return .expression(expr)
        case "with": return try parseWith(location)
        case "include", "extends", "import", "from", "block":
            throw error("'\(keyword)' is not supported in rops templates; use macros from macros/ instead", at: location)
        case "elif", "else", "endif", "endfor", "endset", "endmacro", "endtest", "endcall", "endfilter", "endwith", "endraw":
            throw error("unexpected '\(keyword)': no matching block is open here", at: tokens[index - 1].location)
        default:
            throw error("unknown statement '\(keyword)'", at: tokens[index - 1].location)
        }
    }

    /// Consumes the end keyword's remaining `%}` (the keyword itself was consumed by parseNodes' caller).
    private mutating func finishEndTag() throws {
        index += 1  // the end keyword
        try expect(.blockEnd, "'%}'")
    }

    private mutating func parseIf(_ location: SourceLocation) throws -> Node {
        var branches: [(Expr, [Node])] = []
        var condition = try parseTuple()
        try expect(.blockEnd, "'%}'")
        while true {
            let (body, end) = try parseBody(until: ["elif", "else", "endif"], opened: "if", at: location)
            branches.append((condition, body))
            index += 1
            switch end {
            case "elif":
                condition = try parseTuple()
                try expect(.blockEnd, "'%}'")
            case "else":
                try expect(.blockEnd, "'%}'")
                let (otherwise, _) = try parseBody(until: ["endif"], opened: "if", at: location)
                try finishEndTag()
                return .conditional(branches, otherwise: otherwise)
            default:
                try expect(.blockEnd, "'%}'")
                return .conditional(branches, otherwise: nil)
            }
        }
    }

    private mutating func parseFor(_ location: SourceLocation) throws -> Node {
        let target = try parseAssignTarget(allowAttribute: false)
        try expectName("in")
        let iterable = try parseTuple(allowConditional: false)
        var condition: Expr?
        if isName("if") {
            index += 1
            condition = try parseTuple()
        }
        var recursive = false
        if isName("recursive") { index += 1; recursive = true }
        try expect(.blockEnd, "'%}'")
        let (body, end) = try parseBody(until: ["else", "endfor"], opened: "for", at: location)
        var otherwise: [Node]?
        if end == "else" {
            index += 1
            try expect(.blockEnd, "'%}'")
            (otherwise, _) = try parseBody(until: ["endfor"], opened: "for", at: location)
        }
        try finishEndTag()
        return .forLoop(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise,
                        recursive: recursive, location: location)
    }

    private mutating func parseSet(_ location: SourceLocation) throws -> Node {
        let target = try parseAssignTarget(allowAttribute: true)
        if case .op("=") = current.kind {
            index += 1
            let value = try parseTuple()
            try expect(.blockEnd, "'%}'")
            return .assign(target, value, location)
        }
        var filters: [FilterCall] = []
        if case .op("|") = current.kind { filters = try parseFilterChain() }
        try expect(.blockEnd, "'%}' or '='")
        let (body, _) = try parseBody(until: ["endset"], opened: "set", at: location)
        try finishEndTag()
        return .assignBlock(target, filters, body, location)
    }

    private mutating func parseWith(_ location: SourceLocation) throws -> Node {
        var assignments: [(AssignTarget, Expr)] = []
        while !isBlockEnd {
            if !assignments.isEmpty { try expectOp(",") }
            let target = try parseAssignTarget(allowAttribute: false)
            try expectOp("=")
            assignments.append((target, try parseExpression()))
        }
        try expect(.blockEnd, "'%}'")
        let (body, _) = try parseBody(until: ["endwith"], opened: "with", at: location)
        try finishEndTag()
        return .with(assignments, body)
    }

    private mutating func parseMacro(_ location: SourceLocation, endTag: String, namePrefix: String) throws -> Node {
        guard case .name(let name) = current.kind else { throw error("expected a macro name", at: current.location) }
        index += 1
        let parameters = try parseParameterList()
        try expect(.blockEnd, "'%}'")
        let (body, _) = try parseBody(until: [endTag], opened: endTag == "endtest" ? "test" : "macro", at: location)
        try finishEndTag()
        return .macro(MacroDefinition(name: namePrefix + name, parameters: parameters, body: body, location: location))
    }

    private mutating func parseCallBlock(_ location: SourceLocation) throws -> Node {
        var parameters: [(String, Expr?)] = []
        if case .op("(") = current.kind { parameters = try parseParameterList() }
        let call = try parseExpression()
        guard case .call = call.kind else { throw error("expected a macro call after 'call'", at: call.location) }
        try expect(.blockEnd, "'%}'")
        let (body, _) = try parseBody(until: ["endcall"], opened: "call", at: location)
        try finishEndTag()
        return .callBlock(call: call, parameters: parameters, body: body, location: location)
    }

    /// `(a, b=1, c='x')`
    private mutating func parseParameterList() throws -> [(String, Expr?)] {
        try expectOp("(")
        var parameters: [(String, Expr?)] = []
        while !isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            guard case .name(let name) = current.kind else { throw error("expected a parameter name", at: current.location) }
            index += 1
            var defaultValue: Expr?
            if isOp("=") { index += 1; defaultValue = try parseExpression() }
            parameters.append((name, defaultValue))
        }
        index += 1
        return parameters
    }

    private mutating func parseAssignTarget(allowAttribute: Bool) throws -> AssignTarget {
        var targets: [AssignTarget] = []
        var sawComma = false
        repeat {
            if sawComma && (isName("in") || isOp("=") || isBlockEnd) { break }
            if isOp("(") {
                index += 1
                targets.append(try parseAssignTarget(allowAttribute: false))
                try expectOp(")")
            } else {
                guard case .name(let name) = current.kind else { throw error("expected a variable name", at: current.location) }
                let location = current.location
                index += 1
                if allowAttribute && isOp(".") {
                    index += 1
                    guard case .name(let attribute) = current.kind else { throw error("expected an attribute name", at: current.location) }
                    index += 1
                    targets.append(.attribute(Expr(.name(name), location), attribute))
                } else {
                    targets.append(.name(name))
                }
            }
            sawComma = isOp(",")
            if sawComma { index += 1 }
        } while sawComma
        return targets.count == 1 && !(tokens[index - 1].kind == .op(",")) ? targets[0] : .tuple(targets)
    }

    private mutating func parseFilterChain() throws -> [FilterCall] {
        var filters: [FilterCall] = []
        if !isOp("|") {
            filters.append(try parseFilterCall())
        }
        while isOp("|") {
            index += 1
            filters.append(try parseFilterCall())
        }
        return filters
    }

    private mutating func parseFilterCall() throws -> FilterCall {
        guard case .name(var name) = current.kind else { throw error("expected a filter name", at: current.location) }
        let location = current.location
        index += 1
        while isOp("."), case .name(let part) = next.kind { index += 2; name += "." + part }
        var arguments: [Expr] = [], keywords: [(String, Expr)] = []
        if isOp("(") { (arguments, keywords) = try parseCallArguments() }
        return FilterCall(name: name, arguments: arguments, keywords: keywords, location: location)
    }

    // MARK: - Expressions

    /// Comma-separated expressions; a tuple when there is more than one (or a trailing comma).
    private mutating func parseTuple(allowConditional: Bool = true) throws -> Expr {
        let location = current.location
        var items: [Expr] = []
        var trailingComma = false
        while true {
            if !items.isEmpty {
                guard isOp(",") else { break }
                index += 1
                trailingComma = true
                if isBlockEnd || isVariableEnd || isOp(")") || isName("if") && !allowConditional { break }
            }
            items.append(try parseExpression(allowConditional: allowConditional))
            trailingComma = false
        }
        if items.count == 1 && !trailingComma { return items[0] }
        return Expr(.tuple(items), location)
    }

    mutating func parseExpression(allowConditional: Bool = true) throws -> Expr {
        let expr = try parseOr()
        guard allowConditional, isName("if") else { return expr }
        let location = current.location
        index += 1
        let condition = try parseOr()
        var otherwise: Expr?
        if isName("else") {
            index += 1
            otherwise = try parseExpression()
        }
        return Expr(.conditional(condition: condition, then: expr, otherwise: otherwise), location)
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while isName("or") {
            let location = current.location
            index += 1
            left = Expr(.or(left, try parseAnd()), location)
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while isName("and") {
            let location = current.location
            index += 1
            left = Expr(.and(left, try parseNot()), location)
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isName("not") {
            let location = current.location
            index += 1
            return Expr(.not(try parseNot()), location)
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let location = current.location
        let left = try parseMath1()
        var operations: [(String, Expr)] = []
        while true {
            if case .op(let op) = current.kind, ["==", "!=", "<", ">", "<=", ">="].contains(op) {
                index += 1
                operations.append((op, try parseMath1()))
            } else if isName("in") {
                index += 1
                operations.append(("in", try parseMath1()))
            } else if isName("not"), case .name("in") = next.kind {
                index += 2
                operations.append(("notin", try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? left : Expr(.compare(left, operations), location)
    }

    private mutating func parseMath1() throws -> Expr {
        var left = try parseConcat()
        while case .op(let op) = current.kind, op == "+" || op == "-" {
            let location = current.location
            index += 1
            left = Expr(.binary(op, left, try parseConcat()), location)
        }
        return left
    }

    private mutating func parseConcat() throws -> Expr {
        let location = current.location
        var parts = [try parseMath2()]
        while isOp("~") {
            index += 1
            parts.append(try parseMath2())
        }
        return parts.count == 1 ? parts[0] : Expr(.concat(parts), location)
    }

    private mutating func parseMath2() throws -> Expr {
        var left = try parsePow()
        while case .op(let op) = current.kind, ["*", "/", "//", "%"].contains(op) {
            let location = current.location
            index += 1
            left = Expr(.binary(op, left, try parsePow()), location)
        }
        return left
    }

    private mutating func parsePow() throws -> Expr {
        var left = try parseUnary()
        while isOp("**") {
            let location = current.location
            index += 1
            left = Expr(.binary("**", left, try parseUnary()), location)
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws -> Expr {
        let location = current.location
        var node: Expr
        if isOp("-") || isOp("+") {
            guard case .op(let op) = current.kind else { fatalError() }
            index += 1
            node = Expr(.unary(op, try parseUnary(withFilter: false)), location)
        } else {
            node = try parsePostfix(try parsePrimary())
        }
        if withFilter { node = try parseFilterExpression(node) }
        return node
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .name(let name):
            index += 1
            switch name {
            case "true", "True": return Expr(.literal(.bool(true)), token.location)
            case "false", "False": return Expr(.literal(.bool(false)), token.location)
            case "none", "None": return Expr(.literal(.none), token.location)
            default: return Expr(.name(name), token.location)
            }
        case .string(var text):
            index += 1
            while case .string(let more) = current.kind { text += more; index += 1 }
            return Expr(.literal(.string(text)), token.location)
        case .integer(let value):
            index += 1
            return Expr(.literal(.int(value)), token.location)
        case .float(let value):
            index += 1
            return Expr(.literal(.double(value)), token.location)
        case .op("("):
            index += 1
            if isOp(")") { index += 1; return Expr(.tuple([]), token.location) }
            let inner = try parseTuple()
            try expectOp(")")
            return inner
        case .op("["):
            index += 1
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(","); if isOp("]") { break } }
                items.append(try parseExpression())
            }
            index += 1
            return Expr(.list(items), token.location)
        case .op("{"):
            index += 1
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(","); if isOp("}") { break } }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            index += 1
            return Expr(.dict(pairs), token.location)
        case .variableEnd, .blockEnd, .end:
            throw error("expected an expression", at: token.location)
        default:
            throw error("unexpected \(describe(token.kind))", at: token.location)
        }
    }

    private mutating func parsePostfix(_ base: Expr) throws -> Expr {
        var node = base
        while true {
            let location = current.location
            if isOp(".") {
                index += 1
                switch current.kind {
                case .name(let attribute):
                    index += 1
                    node = Expr(.attribute(node, attribute), location)
                case .integer(let position):
                    index += 1
                    node = Expr(.item(node, Expr(.literal(.int(position)), location)), location)
                default:
                    throw error("expected an attribute name after '.'", at: current.location)
                }
            } else if isOp("[") {
                index += 1
                node = try parseSubscript(node, location)
            } else if isOp("(") {
                let (arguments, keywords) = try parseCallArguments()
                node = Expr(.call(node, arguments, keywords), location)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ base: Expr, _ location: SourceLocation) throws -> Expr {
        var parts: [Expr?] = []
        var current: Expr?
        var isSlice = false
        while !isOp("]") {
            if isOp(":") {
                index += 1
                parts.append(current)
                current = nil
                isSlice = true
            } else if isOp(",") {
                throw error("tuple subscripts are not supported", at: self.current.location)
            } else {
                current = try parseExpression()
            }
        }
        index += 1
        if !isSlice {
            guard let key = current else { throw error("expected a subscript", at: location) }
            return Expr(.item(base, key), location)
        }
        parts.append(current)
        while parts.count < 3 { parts.append(nil) }
        return Expr(.slice(base, parts[0], parts[1], parts[2]), location)
    }

    private mutating func parseCallArguments() throws -> ([Expr], [(String, Expr)]) {
        try expectOp("(")
        var arguments: [Expr] = [], keywords: [(String, Expr)] = []
        while !isOp(")") {
            if !arguments.isEmpty || !keywords.isEmpty { try expectOp(","); if isOp(")") { break } }
            if isOp("**") {
                // `**mapping`: its items become keyword arguments (kept under the name "**").
                index += 1
                keywords.append(("**", try parseExpression()))
            } else if isOp("*") {
                // `*sequence`: its items become positional arguments, wherever it stands.
                let location = current.location
                index += 1
                arguments.append(Expr(.unary("*", try parseExpression()), location))
            } else if case .name(let name) = current.kind, case .op("=") = next.kind {
                index += 2
                keywords.append((name, try parseExpression()))
            } else {
                if !keywords.isEmpty { throw error("positional argument after keyword argument", at: current.location) }
                arguments.append(try parseExpression())
            }
        }
        index += 1
        return (arguments, keywords)
    }

    private mutating func parseFilterExpression(_ base: Expr) throws -> Expr {
        var node = base
        while true {
            if isOp("|") {
                index += 1
                let filter = try parseFilterCall()
                node = Expr(.filter(node, filter.name, filter.arguments, filter.keywords), filter.location)
                node = try parsePostfix(node)
            } else if isName("is") {
                let location = current.location
                index += 1
                var negated = false
                if isName("not") { index += 1; negated = true }
                guard case .name(var name) = current.kind else { throw error("expected a test name after 'is'", at: current.location) }
                index += 1
                while isOp("."), case .name(let part) = next.kind { index += 2; name += "." + part }
                var arguments: [Expr] = []
                if isOp("(") {
                    let (positional, keywords) = try parseCallArguments()
                    arguments = positional + keywords.map(\.1)
                } else if startsTestArgument {
                    arguments = [try parsePostfix(try parsePrimary())]
                }
                node = Expr(.test(node, name, arguments, negated: negated), location)
            } else {
                return node
            }
        }
    }

    /// `x is divisibleby 3`: Jinja takes one argument without parentheses unless the next word is an operator keyword.
    private var startsTestArgument: Bool {
        switch current.kind {
        case .name(let name): return !["else", "or", "and", "if", "in", "is", "not"].contains(name)
        case .string, .integer, .float: return true
        case .op(let op): return op == "[" || op == "{"
        default: return false
        }
    }

    // MARK: - Token helpers

    private func isOp(_ op: String) -> Bool { current.kind == .op(op) }
    private func isName(_ name: String) -> Bool { current.kind == .name(name) }
    private var isBlockEnd: Bool { current.kind == .blockEnd }
    private var isVariableEnd: Bool { current.kind == .variableEnd }

    private mutating func expect(_ kind: TokenKind, _ what: String) throws {
        guard current.kind == kind else {
            throw error("expected \(what), found \(describe(current.kind))", at: current.location)
        }
        index += 1
    }

    private mutating func expectOp(_ op: String) throws { try expect(.op(op), "'\(op)'") }

    private mutating func expectName(_ name: String) throws {
        guard isName(name) else { throw error("expected '\(name)', found \(describe(current.kind))", at: current.location) }
        index += 1
    }

    private func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .text: return "text"
        case .variableBegin: return "'{{'"
        case .variableEnd: return "'}}'"
        case .blockBegin: return "'{%'"
        case .blockEnd: return "'%}'"
        case .name(let n): return "'\(n)'"
        case .string(let s): return "string '\(s)'"
        case .integer(let i): return "number \(i)"
        case .float(let d): return "number \(d)"
        case .op(let o): return "'\(o)'"
        case .end: return "end of template"
        }
    }

    private func error(_ message: String, at location: SourceLocation) -> TemplateError {
        TemplateError(file: file, line: location.line, column: location.column, message: message,
                      sourceLine: Lexer.line(location.line, of: sourceBytes))
    }
}
