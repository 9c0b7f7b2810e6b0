/// A value of a top-level field in a JSON Lines document (nested values are validated and skipped).
public enum JSONField: Equatable, Sendable {
    /// A string, unescaped.
    case string(String)
    /// A number, kept as its source text.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// `null`.
    case null
    /// An array or object we do not look into.
    case nested

    /// The value as a string when it is a string or a number (ids may be numbers).
    var stringOrNumber: String? {
        switch self {
        case .string(let s), .number(let s): return s
        default: return nil
        }
    }
}

/// A JSON syntax error with the byte column where it was noticed.
public struct JSONLineError: Error, Equatable, Sendable {
    /// 1-based byte column in the line.
    public var column: Int
    /// What was expected or found.
    public var message: String
}

/// Parses one JSON object per line straight from UTF-8 bytes: a strict RFC 8259 scanner for flat documents,
/// several times faster than Foundation's decoders on short news documents because it only builds the
/// top-level fields.
public struct JSONLineScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    /// Parses `line` as a JSON object and returns its top-level fields (later duplicates of a key win, as in most parsers).
    public static func parseObject(_ line: UnsafeBufferPointer<UInt8>) throws(JSONLineError) -> [String: JSONField] {
        var scanner = JSONLineScanner(bytes: line)
        scanner.skipSpace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("expected a JSON object starting with '{'") }
        let fields = try scanner.object(depth: 0, keep: true)
        scanner.skipSpace()
        guard scanner.i == line.count else { throw scanner.error("unexpected text after the JSON object") }
        return fields
    }

    /// Parses `line` as a JSON object but builds only the values of `wanted` keys; other keys are validated and
    /// skipped without allocating. Returns the wanted fields by position in `wanted` (nil when absent).
    public static func parseFields(_ line: UnsafeBufferPointer<UInt8>, wanted: [[UInt8]]) throws(JSONLineError) -> [JSONField?] {
        var scanner = JSONLineScanner(bytes: line)
        var out = [JSONField?](repeating: nil, count: wanted.count)
        scanner.skipSpace()
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("expected a JSON object starting with '{'") }
        scanner.i += 1
        scanner.skipSpace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.i += 1
        } else {
            while true {
                scanner.skipSpace()
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error("expected a string key") }
                // Plain keys are compared as raw bytes; only a key with escapes is decoded.
                let keyStart = scanner.i + 1
                var keyEnd = keyStart
                while keyEnd < line.count, line[keyEnd] != UInt8(ascii: "\""), line[keyEnd] != UInt8(ascii: "\\"), line[keyEnd] >= 0x20 { keyEnd += 1 }
                func slotOf(_ raw: UnsafeBufferPointer<UInt8>) -> Int {
                    for (k, w) in wanted.enumerated() where w.count == raw.count && w.elementsEqual(raw) { return k }
                    return -1
                }
                let slot: Int
                if keyEnd < line.count, line[keyEnd] == UInt8(ascii: "\"") {
                    scanner.i = keyEnd + 1
                    slot = slotOf(UnsafeBufferPointer(rebasing: line[keyStart..<keyEnd]))
                } else {
                    let decoded = Array(try scanner.string().utf8)
                    slot = decoded.withUnsafeBufferPointer { slotOf($0) }
                }
                try scanner.expect(UInt8(ascii: ":"), "':' after a key")
                let value = try scanner.value(depth: 0)
                if slot >= 0 { out[slot] = value }
                scanner.skipSpace()
                guard let c = scanner.peek() else { throw scanner.error("unterminated object (line cut short?)") }
                scanner.i += 1
                if c == UInt8(ascii: "}") { break }
                guard c == UInt8(ascii: ",") else { scanner.i -= 1; throw scanner.error("expected ',' or '}'") }
            }
        }
        scanner.skipSpace()
        guard scanner.i == line.count else { throw scanner.error("unexpected text after the JSON object") }
        return out
    }

    func error(_ message: String) -> JSONLineError { JSONLineError(column: i + 1, message: message) }
    func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }
    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    }
    mutating func expect(_ c: UInt8, _ what: String) throws(JSONLineError) {
        skipSpace()
        guard peek() == c else { throw error("expected \(what)") }
        i += 1
    }

    mutating func object(depth: Int, keep: Bool) throws(JSONLineError) -> [String: JSONField] {
        guard depth < 64 else { throw error("nesting deeper than 64 levels") }
        i += 1  // '{'
        var fields: [String: JSONField] = [:]
        skipSpace()
        if peek() == UInt8(ascii: "}") { i += 1; return fields }
        while true {
            skipSpace()
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a key")
            let value = try value(depth: depth)
            if keep { fields[key] = value }
            skipSpace()
            guard let c = peek() else { throw error("unterminated object (line cut short?)") }
            i += 1
            if c == UInt8(ascii: "}") { return fields }
            guard c == UInt8(ascii: ",") else { i -= 1; throw error("expected ',' or '}'") }
        }
    }

    mutating func array(depth: Int) throws(JSONLineError) {
        guard depth < 64 else { throw error("nesting deeper than 64 levels") }
        i += 1  // '['
        skipSpace()
        if peek() == UInt8(ascii: "]") { i += 1; return }
        while true {
            _ = try value(depth: depth)
            skipSpace()
            guard let c = peek() else { throw error("unterminated array (line cut short?)") }
            i += 1
            if c == UInt8(ascii: "]") { return }
            guard c == UInt8(ascii: ",") else { i -= 1; throw error("expected ',' or ']'") }
        }
    }

    mutating func value(depth: Int) throws(JSONLineError) -> JSONField {
        skipSpace()
        guard let c = peek() else { throw error("expected a value") }
        switch c {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"): _ = try object(depth: depth + 1, keep: false); return .nested
        case UInt8(ascii: "["): try array(depth: depth + 1); return .nested
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONLineError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw error("invalid literal") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw error("invalid literal") }
        i += n
    }

    mutating func number() throws(JSONLineError) -> String {
        let start = i
        if peek() == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1; digits += 1 }
        guard digits > 0 else { throw error("expected a value") }
        if peek() == UInt8(ascii: ".") {
            i += 1
            var frac = 0
            while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1; frac += 1 }
            guard frac > 0 else { throw error("digits expected after '.'") }
        }
        if let c = peek(), c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            i += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { i += 1 }
            var exp = 0
            while let c = peek(), c >= 0x30 && c <= 0x39 { i += 1; exp += 1 }
            guard exp > 0 else { throw error("digits expected in exponent") }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    }

    mutating func string() throws(JSONLineError) -> String {
        i += 1  // opening quote
        let start = i
        // Fast path: no escapes. Eight bytes at a time while none is a quote, a backslash or a control character
        // (the SWAR zero-byte test: exact about whether a word holds one, which is all the skip needs).
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= bytes.count {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let quote = w ^ (ones &* 0x22), backslash = w ^ (ones &* 0x5C)
                let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)
                if special & highs != 0 { break }
                i += 8
            }
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character in string") }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if c < 0x20 { throw error("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard let e = peek() else { break }
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        out.append(contentsOf: Array("\u{FFFD}".utf8))
                        code = low
                    }
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(scalar).utf8))
            default:
                i -= 1
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        throw error("unterminated string (line cut short?)")
    }

    mutating func hex4() throws(JSONLineError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("bad hex digit in \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
