import Foundation

/// Streams JSON into a byte buffer with keys in the order written, so output is byte-for-byte repeatable.
public struct JSONWriter {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8] = []
    var needsComma: [Bool] = [false]

    /// Creates an empty writer.
    public init() { bytes.reserveCapacity(1 << 16) }

    mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// Ends a top-level value with a line break, so the next one starts a new JSON Lines record.
    public mutating func endLine() { bytes.append(0x0A); needsComma = [false] }

    /// Opens an object (as an array element or top-level value).
    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    /// Closes the innermost object.
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    /// Opens an array (as an array element or top-level value).
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    /// Closes the innermost array.
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"key":` inside an object; the value call that follows must not add a comma.
    public mutating func key(_ k: String) {
        separate()
        writeString(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    /// Writes a string value.
    public mutating func string(_ s: String?) {
        separate()
        if let s { writeString(s) } else { bytes.append(contentsOf: Array("null".utf8)) }
    }

    /// Writes an integer value (or null).
    public mutating func int(_ v: Int?) {
        separate()
        bytes.append(contentsOf: Array((v.map(String.init) ?? "null").utf8))
    }

    /// Writes a number with up to `digits` decimals, no exponent (or null for nil / non-finite).
    public mutating func double(_ v: Double?, digits: Int = 4) {
        separate()
        guard let v, v.isFinite else { bytes.append(contentsOf: Array("null".utf8)); return }
        if !appendFixed(v, digits: digits) { bytes.append(contentsOf: Array(String(format: "%.\(digits)f", v).utf8)) }
    }

    /// Appends `v` with exactly `digits` decimals as `%.{digits}f` prints it, without Foundation's formatter
    /// (3 µs a call: a dedup report's similarities cost 11 ms). Returns false, writing nothing, where the scaled
    /// value is too large or lies too close to a rounding tie for a float product to decide it like printf.
    mutating func appendFixed(_ v: Double, digits: Int) -> Bool {
        guard digits >= 0 && digits <= 9 else { return false }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = abs(v) * scale
        guard scaled < 1e15 else { return false }
        let fraction = scaled - scaled.rounded(.down)
        guard abs(fraction - 0.5) > 1e-6 else { return false }
        let units = Int(scaled.rounded(.toNearestOrAwayFromZero))
        if v.sign == .minus { bytes.append(UInt8(ascii: "-")) }  // printf keeps the sign of values that round to 0
        let whole = units / Int(scale), part = units % Int(scale)
        bytes.append(contentsOf: Array(String(whole).utf8))
        if digits > 0 {
            bytes.append(UInt8(ascii: "."))
            var digitsOut = [UInt8](repeating: UInt8(ascii: "0"), count: digits)
            var rest = part
            for k in stride(from: digits - 1, through: 0, by: -1) { digitsOut[k] = UInt8(ascii: "0") + UInt8(rest % 10); rest /= 10 }
            bytes.append(contentsOf: digitsOut)
        }
        return true
    }

    /// Writes a boolean value.
    public mutating func bool(_ v: Bool) {
        separate()
        bytes.append(contentsOf: Array((v ? "true" : "false").utf8))
    }

    /// Writes a time as an ISO 8601 UTC string, or null.
    public mutating func date(_ d: Date?) { string(d.map(ISO8601.format)) }

    /// Convenience: `key` then string value.
    public mutating func field(_ k: String, _ s: String?) { key(k); string(s) }
    /// Convenience: `key` then integer value.
    public mutating func field(_ k: String, _ v: Int?) { key(k); int(v) }
    /// Convenience: `key` then array of strings.
    public mutating func field(_ k: String, _ values: [String]) {
        key(k)
        beginArray()
        for v in values { string(v) }
        endArray()
    }

    mutating func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Runs that need no escape (nearly all of a text) are copied in one append.
            var run = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                if run < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<i])) }
                run = i + 1
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(b)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                default: bytes.append(contentsOf: Array(String(format: "\\u%04x", Int(b)).utf8))
                }
            }
            if run < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// JSON encodings of the corpus-level values shared by `ingest`, `dedup` and `run`.
public enum CorpusJSON {
    /// Writes one brief object.
    public static func write(_ b: Brief, to w: inout JSONWriter, extra: (inout JSONWriter) -> Void = { _ in }) {
        w.beginObject()
        w.field("id", b.id)
        w.field("source", b.source)
        w.field("line", b.line)
        w.field("title", b.title)
        w.field("dateline", b.dateline)
        w.field("agencies", b.agencies)
        w.field("age_minutes", b.ageMinutes)
        w.key("published"); w.date(b.published)
        w.field("lang", b.lang.rawValue)
        w.field("outlet", b.outlet)
        w.field("url", b.url)
        w.field("text", b.text)
        extra(&w)
        w.endObject()
    }

    /// Writes one skipped-input object.
    public static func write(_ s: SkippedInput, to w: inout JSONWriter) {
        w.beginObject()
        w.field("source", s.source)
        w.field("line", s.line)
        w.field("reason", s.reason)
        w.key("recovered"); w.bool(s.recovered)
        w.endObject()
    }

    /// Writes `"briefs": [...], "skipped": [...]` into an open object.
    public static func writeCorpus(_ c: Corpus, to w: inout JSONWriter) {
        w.key("briefs")
        w.beginArray()
        for b in c.briefs { write(b, to: &w) }
        w.endArray()
        w.key("skipped")
        w.beginArray()
        for s in c.skipped { write(s, to: &w) }
        w.endArray()
    }
}

/// JSON encodings of deduplication results.
public enum DedupJSON {
    /// Writes `"duplicates": [{"canonical", "members", "latest", "min_similarity", "links"}, ...]` into an open
    /// object; `links` types each member other than the canonical brief (`DuplicateLink`), `latest` is the version a
    /// story shows first (`DuplicateLinks.latest`).
    /// `only`: write just the groups with a member it accepts (a since-last report: groups a new brief is in).
    public static func writeGroups(_ result: DedupResult, briefs: [Brief], to w: inout JSONWriter, only: ((Int) -> Bool)? = nil) {
        w.key("duplicates")
        w.beginArray()
        var shown = result
        if let only { shown.groups = result.groups.filter { $0.members.contains(where: only) } }
        let links = DuplicateLinks.all(shown, briefs: briefs)
        for g in shown.groups { writeGroup(g, links: links, briefs: briefs, to: &w) }
        w.endArray()
    }

    /// Writes one group `{"canonical", "members", "latest", "min_similarity", "links"}` as an array element or a
    /// top-level value.
    public static func writeGroup(_ g: DuplicateGroup, links: [Int: DuplicateLink], briefs: [Brief], to w: inout JSONWriter) {
        w.beginObject()
        w.field("canonical", briefs[g.canonical].id)
        w.field("members", g.members.map { briefs[$0].id })
        w.field("latest", briefs[DuplicateLinks.latest(of: g, links: links, briefs: briefs)].id)
        w.key("min_similarity"); w.double(g.minSimilarity)
        // How each member relates to the canonical brief.
        w.key("links")
        w.beginArray()
        for m in g.members where m != g.canonical {
            guard let link = links[m] else { continue }
            w.beginObject()
            w.field("id", briefs[m].id)
            w.field("type", link.kind.rawValue)
            w.key("similarity"); w.double(link.similarity)
            w.field("added_sentences", link.addedSentences)
            w.field("dropped_sentences", link.droppedSentences)
            w.key("edited_sentences")
            w.beginArray()
            for e in link.editedSentences {
                w.beginObject(); w.field("before", e.before); w.field("after", e.after); w.endObject()
            }
            w.endArray()
            w.field("numbers_before", link.numbersBefore)
            w.field("numbers_after", link.numbersAfter)
            w.key("headline")
            if let h = link.headline {
                w.beginObject(); w.field("before", h.before); w.field("after", h.after); w.endObject()
            } else {
                w.string(nil)
            }
            w.field("headline_news", link.headlineNews)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// Writes the `dedup_stats` object into an open object.
    public static func writeStats(_ s: DedupStats, to w: inout JSONWriter) {
        w.key("dedup_stats")
        w.beginObject()
        w.field("briefs", s.briefs)
        w.field("exact_duplicates", s.exactDuplicates)
        w.field("duplicates_removed", s.duplicatesRemoved)
        w.field("candidate_pairs", s.candidatePairs)
        w.field("verified_pairs", s.verifiedPairs)
        w.field("bands", s.bands)
        w.field("rows", s.rows)
        w.field("signature_bytes_per_brief", s.signatureBytesPerBrief)
        w.key("shingle_bytes_per_brief"); w.double(s.shingleBytesPerBrief, digits: 1)
        w.key("sign_seconds"); w.double(s.signSeconds)
        w.key("lsh_seconds"); w.double(s.lshSeconds)
        w.key("group_seconds"); w.double(s.groupSeconds)
        w.endObject()
    }
}

/// JSON encodings of stories.
public enum StoryJSON {
    /// Writes `"stories": [...]` into an open object.
    public static func writeStories(_ result: StoryResult, briefs: [Brief], to w: inout JSONWriter) {
        w.key("stories")
        w.beginArray()
        for s in result.stories {
            w.beginObject()
            writeHead(id: s.id, label: s.label, representative: briefs[s.representative].id, first: s.firstPublished,
                      last: s.lastPublished, size: s.briefs.count, to: &w)
            w.field("agencies", s.agencies)
            w.field("datelines", s.datelines)
            w.field("outlets", s.outlets)
            w.field("briefs", s.briefs.map { briefs[$0].id })
            if let split = s.splitFrom { w.field("split_from", split) }
            if !s.thread.isEmpty { w.field("thread", s.thread) }
            w.endObject()
        }
        w.endArray()
    }

    /// The fields a story and a thread share, in the schema's order.
    static func writeHead(id: String, label: String, representative: String, first: Date?, last: Date?, size: Int,
                          to w: inout JSONWriter) {
        w.field("id", id)
        w.field("label", label)
        w.field("representative", representative)
        w.key("first_published"); w.date(first)
        w.key("last_published"); w.date(last)
        w.field("size", size)
    }

    /// Writes `"threads": [...]` into an open object.
    public static func writeThreads(_ threads: [StoryThread], briefs: [Brief], to w: inout JSONWriter) {
        w.key("threads")
        w.beginArray()
        for t in threads {
            w.beginObject()
            writeHead(id: t.id, label: t.label, representative: briefs[t.representative].id, first: t.firstPublished,
                      last: t.lastPublished, size: t.briefs.count, to: &w)
            w.field("stories", t.stories)
            w.field("briefs", t.briefs.map { briefs[$0].id })
            w.endObject()
        }
        w.endArray()
    }
}
