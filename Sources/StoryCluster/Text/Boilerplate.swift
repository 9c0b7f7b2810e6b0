import Foundation

/// Removes wire-service boilerplate before shingling, so `TAMPA (ANP/AFP) - X` and `TAMPA (ANP/RTR) - X` are the
/// same text: a leading dateline, a leading byline line, a trailing relative-time marker and a trailing
/// `(Reporting by …)` credit.
///
/// Only the first 120 and last 32 scalars are examined, so the cost does not grow with the text.
public enum Boilerplate {
    static let bylines = ["by ", "door ", "van onze ", "from "]

    /// End offset of an ASCII dateline (`PLACE[, date] (AGENCIES) - `) at the start of `b`, as `WireMarkers.matchDateline`
    /// would find it; nil when there is none. Only the hyphen separator is ASCII; dashes go through the scalar path.
    static func asciiDatelineEnd<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes) -> Int? where Bytes.Index == Int {
        func upper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func lower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        guard let f = b.first, upper(f) else { return nil }
        var j = 0, letters = 0
        while j < b.count {
            let c = b[j]
            if upper(c) { letters += 1 } else if lower(c) { return nil } else if !(c == 0x20 || c == 0x2D || c == 0x2E || c == 0x27) { break }
            j += 1
        }
        guard letters >= 2, j < b.count, j <= 60 else { return nil }
        if b[j] == 0x2C {  // ", June 17"
            var k = j + 1
            while k < b.count, b[k] != 0x28 {
                let c = b[k]
                guard upper(c) || lower(c) || digit(c) || c == 0x20 || c == 0x2E else { return nil }
                k += 1
            }
            guard k < b.count, k - j <= 30, b[(j + 1)..<k].contains(where: { $0 != 0x20 }) else { return nil }
            j = k
        }
        guard j < b.count, b[j] == 0x28, j + 1 < b.count, upper(b[j + 1]) || lower(b[j + 1]) else { return nil }
        var k = j + 1
        while k < b.count, b[k] != 0x29 {
            let c = b[k]
            guard upper(c) || lower(c) || digit(c) || c == 0x2F || c == 0x20 || c == 0x2D || c == 0x2E || c == 0x26 else { return nil }
            k += 1
        }
        guard k < b.count, k - j <= 60 else { return nil }
        var m = k + 1
        while m < b.count, b[m] == 0x20 { m += 1 }
        guard m < b.count, b[m] == 0x2D else { return nil }
        m += 1
        while m < b.count, b[m] == 0x20 { m += 1 }
        return m
    }

    /// True when the bytes contain `ago`, `geleden`, `gisteren` or `yesterday` (the words every marker ends in).
    static func mayHaveMarker(_ bytes: Substring.UTF8View.SubSequence) -> Bool {
        Array(bytes).withUnsafeBufferPointer { mayHaveMarker($0) }
    }

    /// `mayHaveMarker` on bytes in place.
    static func mayHaveMarker(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        func has(_ w: StaticString) -> Bool {
            let n = w.utf8CodeUnitCount
            guard b.count >= n else { return false }
            outer: for i in 0...(b.count - n) {
                for k in 0..<n where b[i + k] | 0x20 != w.utf8Start[k] { continue outer }
                return true
            }
            return false
        }
        return has("ago") || has("geleden") || has("gisteren") || has("yesterday")
    }

    /// Whether a dateline can open the text: it starts with a capital (or a non-ASCII letter's lead byte) and has
    /// a `(` in its first 90 bytes. Most texts have neither.
    static func mayOpenWithDateline<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, (first >= 0x41 && first <= 0x5A) || first >= 0xC0 else { return false }
        return bytes.prefix(90).contains(0x28)
    }

    /// True when none of the patterns `strip` looks for can start in `b` (most texts): no capital with a `(` in
    /// the first 90 bytes (dateline), no line break in the first 80 (byline), no marker word in the last 32, no
    /// closing `)` (credit). Byte tests only, so the common case skips the scalar walks of the full check.
    static func nothingToStrip(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress, let last = b.last else { return true }
        if mayOpenWithDateline(b) { return false }
        if memchr(base, 0x0A, min(80, b.count)) != nil { return false }
        if last == 0x29 { return false }
        return !mayHaveMarker(UnsafeBufferPointer(rebasing: b[max(0, b.count - 32)...]))
    }

    /// The text that carries the brief's content, for matching only (never for display).
    public static func strip(_ text: String) -> Substring {
        if text.utf8.withContiguousStorageIfAvailable({ nothingToStrip($0) }) == true { return Substring(text) }
        return stripScanning(text)
    }

    /// `strip` without the byte pre-check (kept apart so a test can hold the two to the same answers).
    static func stripScanning(_ text: String) -> Substring {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        if mayOpenWithDateline(text.utf8) {
            // The ASCII head's dateline end in bytes (nil: not ASCII); read in place when the string is contiguous.
            func asciiEnd(_ head: UnsafeBufferPointer<UInt8>) -> Int?? {
                guard head.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard let end = asciiDatelineEnd(head), end < head.count else { return .some(nil) }
                return end
            }
            let ascii = text.utf8.withContiguousStorageIfAvailable { asciiEnd(UnsafeBufferPointer(rebasing: $0.prefix(120))) }
                ?? Array(text.utf8.prefix(120)).withUnsafeBufferPointer { asciiEnd($0) }
            if let ascii {
                // ASCII head (the common case): the same grammar on bytes, with no scalar decoding.
                if let end = ascii { start = text.utf8.index(text.startIndex, offsetBy: end) }
            } else {
                let head = Array(scalars.prefix(120))
                if let d = WireMarkers.matchDateline(head, at: 0), d.end < head.count {
                    start = scalars.index(start, offsetBy: d.end)
                }
            }
        }
        // A byline on the first line: "By Jane Doe" / "Door onze correspondent" (short, no sentence end).
        // The newline test first: most texts have none near the start, and lowercasing allocates.
        if let nl = text[start...].utf8.prefix(80).firstIndex(of: 0x0A) {
            let lead = text[start...].prefix(12).lowercased()
            if bylines.contains(where: { lead.hasPrefix($0) }), !text[start..<nl].contains(".") { start = text.index(after: nl) }
        }
        // A trailing relative-time marker that survived (e.g. in JSON Lines text).
        let tailBytes = text.utf8.suffix(32)
        // Walking back 32 scalars costs more than the byte test, so it waits for a hit.
        let hasMarker = Boilerplate.mayHaveMarker(tailBytes)
        let tailStart = hasMarker ? scalars.index(end, offsetBy: -32, limitedBy: start) ?? start : end
        let tail = hasMarker ? Array(scalars[tailStart..<end]) : []
        if let split = WireMarkers.nextMarkerSplit(tail, from: 0), split.dateline == nil,
           split.start == 0 || !tail[split.start - 1].properties.isAlphabetic {
            end = scalars.index(tailStart, offsetBy: split.start)
        }
        // Reuters-style credits at the end: "(Reporting by X; Editing by Y)".
        var s = text[start..<end]
        if s.utf8.last == 0x29, s.hasSuffix(")"), let open = s.range(of: "(Reporting by", options: .backwards) ?? s.range(of: "(Additional reporting", options: .backwards) {
            s = s[..<open.lowerBound]
        }
        return s
    }
}
