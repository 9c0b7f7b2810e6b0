/// Splits a crawled wire-service page (like ANP's "Meer uit Buitenland") into briefs.
///
/// A dateline — upper-case place words, an optional `, June 17`-style date, agencies in parentheses, then a
/// hyphen, en dash or em dash — opens a brief only at the start of a line or right after a relative-time
/// marker (`31 minuten geleden`, `2 hours ago`, `gisteren`), which is how such pages glue a brief's age to the
/// next dateline. A dateline-like run inside a sentence stays text. Lines before the first dateline are the
/// first brief's title; section lines (`Meer uit …`, `More from …`) belong to no brief; lines after the last
/// brief's time marker are page chrome. A page with no dateline is one brief.
public enum PageParser {
    /// One brief found on a page, before ids and times are attached.
    public struct ParsedBrief: Equatable, Sendable {
        /// Headline lines before the dateline, joined by spaces.
        public var title: String?
        /// Place (and date) of the dateline.
        public var dateline: String?
        /// Agencies from the dateline's parentheses.
        public var agencies: [String]
        /// Age from the relative-time marker that followed the brief.
        public var ageMinutes: Int?
        /// Body text, paragraphs separated by newlines.
        public var text: String
        /// 1-based line where the brief (its title, if any) starts.
        public var line: Int
    }

    /// A dateline found at some position of a line.
    struct Dateline {
        var place: String
        var agencies: [String]
        var end: Int
    }

    /// Parses `page` into briefs in reading order; briefs without any text are dropped and reported in `emptyLines`.
    public static func parse(_ page: String) -> (briefs: [ParsedBrief], emptyLines: [Int]) {
        var briefs: [ParsedBrief] = []
        var empty: [Int] = []
        var current: ParsedBrief?
        var pendingTitle: [String] = []
        var pendingLine = 0
        var sawDateline = false
        var allLines: [(Int, String)] = []

        func close() {
            guard let b = current else { return }
            current = nil
            if b.text.isEmpty { empty.append(b.line) } else { briefs.append(b) }
        }
        func open(_ d: Dateline, text: String, line: Int) {
            close()
            sawDateline = true
            let title = pendingTitle.isEmpty ? nil : pendingTitle.joined(separator: " ")
            current = ParsedBrief(title: title, dateline: d.place, agencies: d.agencies, ageMinutes: nil,
                                  text: text.trimmed, line: pendingTitle.isEmpty ? line : pendingLine)
            pendingTitle = []
        }
        func addText(_ text: String, line: Int) {
            let t = text.trimmed
            guard !t.isEmpty else { return }
            if current != nil {
                current!.text += current!.text.isEmpty ? t : "\n" + t
            } else {
                if pendingTitle.isEmpty { pendingLine = line }
                pendingTitle.append(t)
            }
        }

        var lineNumber = 0
        for rawLine in page.splitLines() {
            lineNumber += 1
            let line = String(rawLine)
            let trimmed = line.trimmed
            if trimmed.isEmpty { continue }
            allLines.append((lineNumber, trimmed))
            if isSectionLine(trimmed) {
                close()
                pendingTitle = []
                continue
            }
            let scalars = Array(trimmed.unicodeScalars)
            var pos = 0
            if let d = matchDateline(scalars, at: 0) {
                let next = nextMarkerSplit(scalars, from: d.end)
                open(d, text: text(scalars[d.end..<(next?.start ?? scalars.count)]), line: lineNumber)
                pos = next?.start ?? scalars.count
            }
            while pos < scalars.count {
                guard let split = nextMarkerSplit(scalars, from: pos) else {
                    addText(text(scalars[pos...]), line: lineNumber)
                    break
                }
                addText(text(scalars[pos..<split.start]), line: lineNumber)
                if current != nil, current!.ageMinutes == nil { current!.ageMinutes = split.minutes }
                close()
                pendingTitle = []
                if let d = split.dateline {
                    let next = nextMarkerSplit(scalars, from: d.end)
                    open(d, text: text(scalars[d.end..<(next?.start ?? scalars.count)]), line: lineNumber)
                    pos = next?.start ?? scalars.count
                } else {
                    pos = scalars.count
                }
            }
        }
        close()
        if !sawDateline {
            // No dateline: the page is one brief; a short first line without final punctuation is its headline.
            let lines = allLines.filter { !isSectionLine($0.1) }
            guard let first = lines.first else { return ([], empty) }
            var body = lines
            var title: String?
            if lines.count > 1, first.1.count <= 200, let last = first.1.last, !".!?:;".contains(last) {
                title = first.1
                body.removeFirst()
            }
            let text = body.map(\.1).joined(separator: "\n")
            return ([ParsedBrief(title: title, dateline: nil, agencies: [], ageMinutes: nil, text: text, line: first.0)], empty)
        }
        return (briefs, empty)
    }

    /// A relative-time marker that ends the text before it, optionally followed (glued) by the next dateline.
    struct MarkerSplit {
        var start: Int
        var minutes: Int
        var dateline: Dateline?
    }

    /// Finds the first relative-time marker at or after `from` that sits at a token start and is followed by
    /// either the end of the line or a dateline: only then is it the age of the brief before it.
    static func nextMarkerSplit(_ s: [Unicode.Scalar], from: Int) -> MarkerSplit? {
        var i = from
        while i < s.count {
            let c = s[i]
            let atTokenStart = i == 0 || !s[i - 1].isLetterOrDigit
            if atTokenStart && (c.isASCIIDigit || c == "g" || c == "G" || c == "y" || c == "Y" || c == "e" || c == "E"
                                || c == "a" || c == "A" || c == "o" || c == "O" || c == "é" || c == "é") {
                if let (minutes, end) = matchMarker(s, at: i) {
                    var j = end
                    while j < s.count && s[j] == " " { j += 1 }
                    if j == s.count { return MarkerSplit(start: i, minutes: minutes, dateline: nil) }
                    if let d = matchDateline(s, at: end) ?? matchDateline(s, at: j) {
                        return MarkerSplit(start: i, minutes: minutes, dateline: d)
                    }
                }
            }
            i += 1
        }
        return nil
    }

    static let units: [String: Int] = [
        "seconde": 0, "seconden": 0, "sec": 0, "minuut": 1, "minuten": 1, "min": 1, "uur": 60, "uren": 60,
        "dag": 1440, "dagen": 1440, "week": 10080, "weken": 10080,
        "second": 0, "seconds": 0, "secs": 0, "minute": 1, "minutes": 1, "mins": 1, "hour": 60, "hours": 60,
        "hr": 60, "hrs": 60, "day": 1440, "days": 1440, "weeks": 10080,
    ]
    static let words: [String: Int] = ["gisteren": 1440, "eergisteren": 2880, "yesterday": 1440]
    static let articles: [String: Int] = ["a": 1, "an": 1, "one": 1, "een": 1, "één": 1]

    /// Matches `N unit geleden` / `N unit ago` / `gisteren` / `yesterday` at `i`; returns minutes and end index.
    static func matchMarker(_ s: [Unicode.Scalar], at i: Int) -> (Int, Int)? {
        func word(at k: Int) -> (String, Int)? {
            var j = k
            var w = ""
            // Marker words are lower case after their first letter; an upper-case letter is the glued next dateline.
            while j < s.count, s[j].isLetter, j == k || !s[j].isUpperLetter {
                w.unicodeScalars.append(s[j]); j += 1
            }
            return w.isEmpty ? nil : (w.lowercased(), j)
        }
        func skipSpaces(_ k: Int) -> Int { var j = k; while j < s.count && s[j] == " " { j += 1 }; return j }
        if let (w, end) = word(at: i), let minutes = words[w] { return (minutes, end) }
        var count = 0
        var j = i
        if s[i].isASCIIDigit {
            while j < s.count, s[j].isASCIIDigit, j - i < 4 { count = count * 10 + Int(s[j].value - 48); j += 1 }
            if j < s.count, s[j].isASCIIDigit { return nil }
        } else if let (w, end) = word(at: i), let n = articles[w] {
            count = n
            j = end
        } else {
            return nil
        }
        j = skipSpaces(j)
        guard let (unit, afterUnit) = word(at: j), let perUnit = units[unit] else { return nil }
        let k = skipSpaces(afterUnit)
        guard let (tail, end) = word(at: k), tail == "geleden" || tail == "ago" else { return nil }
        return (count * perUnit, end)
    }

    /// Matches a dateline at `i`: `PLACE[, date] (AGENCY/AGENCY) -`; returns nil for anything else.
    static func matchDateline(_ s: [Unicode.Scalar], at i: Int) -> Dateline? {
        guard i < s.count, s[i].isUpperLetter else { return nil }
        var j = i
        var letters = 0
        while j < s.count {
            let c = s[j]
            if c.isLetter {
                guard !c.isLowerLetter else { return nil }
                letters += 1
            } else if !(c == " " || c == "-" || c == "." || c == "'" || c == "’") {
                break
            }
            j += 1
        }
        guard letters >= 2, j < s.count, j - i <= 60 else { return nil }
        var place = text(s[i..<j]).trimmed
        if s[j] == "," {
            // Optional date: `, June 17` — letters, digits, spaces and dots up to the parenthesis.
            var k = j + 1
            while k < s.count, s[k] != "(" {
                let c = s[k]
                guard c.isLetter || c.isASCIIDigit || c == " " || c == "." else { return nil }
                k += 1
            }
            guard k < s.count, k - j <= 30 else { return nil }
            let date = text(s[(j + 1)..<k]).trimmed
            guard !date.isEmpty else { return nil }
            place += ", " + date
            j = k
        }
        guard j < s.count, s[j] == "(" else { return nil }
        var k = j + 1
        while k < s.count, s[k] != ")" {
            let c = s[k]
            guard c.isLetter || c.isASCIIDigit || c == "/" || c == " " || c == "-" || c == "." || c == "&" else { return nil }
            k += 1
        }
        guard k < s.count, k > j + 1, k - j <= 60 else { return nil }
        let agencies = text(s[(j + 1)..<k]).split(separator: "/").map { String($0).trimmed }.filter { !$0.isEmpty }
        guard let firstAgency = agencies.first, firstAgency.unicodeScalars.first!.properties.isAlphabetic else { return nil }
        var m = k + 1
        while m < s.count, s[m] == " " { m += 1 }
        guard m < s.count, s[m] == "-" || s[m] == "–" || s[m] == "—" else { return nil }
        m += 1
        while m < s.count, s[m] == " " { m += 1 }
        return Dateline(place: place, agencies: agencies, end: m)
    }

    /// The scalars from `from` (up to `to`) as a string.
    static func substring(_ s: [Unicode.Scalar], from: Int, to: Int? = nil) -> String {
        text(s[from..<(to ?? s.count)])
    }

    /// Section headings between briefs (`Meer uit Buitenland`, `More from Business`).
    public static func isSectionLine(_ line: String) -> Bool {
        guard line.count <= 60 else { return false }
        let lower = line.lowercased()
        return ["meer uit ", "more from ", "meer over ", "more on "].contains { lower.hasPrefix($0) }
            && !lower.contains(".") && matchDateline(Array(line.unicodeScalars), at: 0) == nil
    }
}

/// A string from a slice of scalars.
@inline(__always) func text(_ s: ArraySlice<Unicode.Scalar>) -> String {
    var v = String.UnicodeScalarView()
    v.append(contentsOf: s)
    return String(v)
}

extension Unicode.Scalar {
    @inline(__always) var isASCIIDigit: Bool { value >= 48 && value <= 57 }
    // ASCII fast paths: Unicode property lookups dominate the scanners otherwise.
    @inline(__always) var isLetter: Bool {
        if value < 0x80 { return (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }
        return properties.isAlphabetic
    }
    @inline(__always) var isUpperLetter: Bool {
        if value < 0x80 { return value >= 0x41 && value <= 0x5A }
        return properties.isUppercase
    }
    @inline(__always) var isLowerLetter: Bool {
        if value < 0x80 { return value >= 0x61 && value <= 0x7A }
        return properties.isLowercase
    }
    @inline(__always) var isLetterOrDigit: Bool {
        if value < 0x80 { return isASCIIDigit || ((value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A) }
        return properties.isAlphabetic || properties.numericType != nil
    }
}

extension String {
    /// The string without leading and trailing white space.
    var trimmed: String {
        // Most texts have nothing to trim: answer from the end bytes without copying.
        if let f = utf8.first, let l = utf8.last, f > 0x20, f < 0x80, l > 0x20, l < 0x80 { return self }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }

    /// Lines split on `\n`, `\r\n` or `\r`.
    func splitLines() -> [Substring] {
        split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    }
}
