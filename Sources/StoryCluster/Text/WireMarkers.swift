/// The wire-page grammar shared by the page parser and the boilerplate stripper: datelines
/// (`PLACE[, date] (AGENCY/AGENCY) -`) and relative-time markers (`31 minuten geleden`, `2 hours ago`, `gisteren`).
///
/// It lives in `Text` (below `Ingest`) because both splitting a page and stripping a brief for matching need it.
public enum WireMarkers {
    /// A dateline found at some position of a line.
    struct Dateline {
        var place: String
        var agencies: [String]
        var end: Int
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
