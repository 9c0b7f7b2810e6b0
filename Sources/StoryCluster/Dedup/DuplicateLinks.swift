import Foundation

/// How a duplicate relates to its canonical brief, so that an editor can trust what is folded away: a copy (nothing
/// but boilerplate or the headline differs) or an update (sentences added, dropped or edited, numbers changed).
public struct DuplicateLink: Equatable, Sendable {
    /// The two kinds of duplicate.
    public enum Kind: String, Sendable {
        /// The same brief: identical after normalisation, or differing only in boilerplate (dateline, agency tags)
        /// or its first sentence (a reworded headline, a repost header).
        case copy
        /// The same brief with information added, dropped or changed after its first sentence.
        case update
    }

    /// Copy or update.
    public var kind: Kind
    /// Shingle Jaccard with the canonical brief (the similarity the group was verified with).
    public var similarity: Double
    /// Sentences of this brief the canonical one lacks (no sentence there shares half its words).
    public var addedSentences: [String] = []
    /// Sentences of the canonical brief this one lacks.
    public var droppedSentences: [String] = []
    /// A sentence both have in different wording.
    public struct Edit: Equatable, Sendable {
        /// The canonical brief's wording.
        public var before: String
        /// This brief's wording.
        public var after: String
    }

    /// Sentences both have in different wording.
    public var editedSentences: [Edit] = []
    /// Numbers of the canonical brief this one does not have, in text order.
    public var numbersBefore: [String] = []
    /// Numbers of this brief the canonical one does not have, in text order.
    public var numbersAfter: [String] = []

    /// What changed, in a few words for a report ("+1 sentence, 270.000 → 250.000"); empty for a plain copy.
    public var summary: String {
        var parts: [String] = []
        if !addedSentences.isEmpty { parts.append("+\(addedSentences.count) sentence" + (addedSentences.count == 1 ? "" : "s")) }
        if !droppedSentences.isEmpty { parts.append("−\(droppedSentences.count) sentence" + (droppedSentences.count == 1 ? "" : "s")) }
        if !editedSentences.isEmpty { parts.append("\(editedSentences.count) edited") }
        if !numbersBefore.isEmpty || !numbersAfter.isEmpty {
            parts.append(numbersBefore.joined(separator: ", ") + " → " + numbersAfter.joined(separator: ", "))
        }
        return parts.joined(separator: ", ")
    }
}

/// Typing of duplicate links (`DuplicateLink`), computed from the two texts when a report needs it: groups are
/// found on shingles alone, and a report holds far fewer duplicates than briefs.
public enum DuplicateLinks {
    /// The link of `member` to its `canonical` brief.
    public static func link(_ member: Brief, to canonical: Brief, similarity: Double) -> DuplicateLink {
        link(member, to: Analysed(canonical), similarity: similarity)
    }

    /// The links of every duplicate in `result` (by brief index), computed per group on all cores.
    public static func all(_ result: DedupResult, briefs: [Brief]) -> [Int: DuplicateLink] {
        let groups = result.groups
        var parts = [[(Int, DuplicateLink)]](repeating: [], count: groups.count)
        parts.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: groups.count) { k in
                let g = groups[k]
                let canonical = Analysed(briefs[g.canonical])
                out[k] = g.members.filter { $0 != g.canonical }.map { ($0, link(briefs[$0], to: canonical, similarity: result.similarity[$0])) }
            }
        }
        var links: [Int: DuplicateLink] = [:]
        for part in parts { for (m, l) in part { links[m] = l } }
        return links
    }

    /// A canonical brief's body sentences and text, analysed once for all its duplicates.
    struct Analysed {
        var brief: Brief
        var stripped: Substring
        var body: [Sentence]

        init(_ b: Brief) {
            brief = b
            stripped = Boilerplate.strip(b.text)
            // A headline written into the text (a title the text opens with) is what a repost rewords: its changes
            // alone make no update. A wire brief without one starts with its lead, which counts.
            body = Array(DuplicateLinks.sentences(stripped).dropFirst(DuplicateLinks.opensWithTitle(b, stripped) ? 1 : 0))
        }
    }

    /// The link of `member` to an analysed canonical brief.
    static func link(_ member: Brief, to canonical: Analysed, similarity: Double) -> DuplicateLink {
        var link = DuplicateLink(kind: .copy, similarity: similarity)
        let stripped = Boilerplate.strip(member.text)
        // The common case of a crawl: the same text again.
        if stripped == canonical.stripped { return link }
        let aBody = canonical.body
        let bBody = Array(sentences(stripped).dropFirst(opensWithTitle(member, stripped) ? 1 : 0))
        var unmatchedA = Set(aBody.indices), unmatchedB = Set(bBody.indices)
        var byKey: [String: [Int]] = [:]
        for (i, s) in aBody.enumerated() { byKey[s.key, default: []].append(i) }
        for (j, s) in bBody.enumerated() {
            if var list = byKey[s.key], let i = list.first {
                list.removeFirst()
                byKey[s.key] = list
                unmatchedA.remove(i)
                unmatchedB.remove(j)
            }
        }
        // Unmatched sentences sharing half their words are one sentence edited; the rest were added or dropped.
        for j in unmatchedB.sorted() {
            let words = Set(bBody[j].words)
            var best: Int? = nil, bestOverlap = 0.0
            for i in unmatchedA.sorted() {
                let o = overlap(words, Set(aBody[i].words))
                if o > bestOverlap { best = i; bestOverlap = o }
            }
            if let i = best, bestOverlap >= 0.5 {
                link.editedSentences.append(DuplicateLink.Edit(before: aBody[i].text, after: bBody[j].text))
                unmatchedA.remove(i)
                unmatchedB.remove(j)
            }
        }
        link.addedSentences = unmatchedB.sorted().map { bBody[$0].text }
        link.droppedSentences = unmatchedA.sorted().map { aBody[$0].text }
        // Numbers after the first sentence, compared as multisets.
        let before = numbers(in: aBody.map(\.text).joined(separator: " "), lang: canonical.brief.lang)
        let after = numbers(in: bBody.map(\.text).joined(separator: " "), lang: member.lang)
        var count: [String: Int] = [:]
        for n in after { count[n, default: 0] += 1 }
        for n in before {
            if let c = count[n], c > 0 { count[n] = c - 1 } else { link.numbersBefore.append(n) }
        }
        var left: [String: Int] = [:]
        for n in before { left[n, default: 0] += 1 }
        for n in after {
            if let c = left[n], c > 0 { left[n] = c - 1 } else { link.numbersAfter.append(n) }
        }
        let changed = !link.addedSentences.isEmpty || !link.droppedSentences.isEmpty || !link.editedSentences.isEmpty
            || !link.numbersBefore.isEmpty || !link.numbersAfter.isEmpty
        link.kind = changed ? .update : .copy
        return link
    }

    /// Whether a brief's text opens with its title (feeds that prepend the headline to the body).
    static func opensWithTitle(_ b: Brief, _ stripped: Substring) -> Bool {
        guard let t = b.title.map(trimmed), !t.isEmpty else { return false }
        return trimmed(stripped).hasPrefix(t)
    }

    /// `s` without leading and trailing white space.
    static func trimmed<S: StringProtocol>(_ s: S) -> Substring {
        let t = Substring(s)
        guard let first = t.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = t.lastIndex(where: { !$0.isWhitespace })!
        return t[first...last]
    }

    /// A sentence's text and its comparison key (normalised words, boilerplate stripped).
    struct Sentence {
        var text: String
        var words: [String]
        var key: String { words.joined(separator: " ") }
    }

    /// Sentences of a brief (boilerplate stripped), split after `.`, `!` or `?` followed by a space and an upper-case
    /// letter, digit or quote, and at line breaks ("dr. jansen", "12. mei" stay whole); sentences without a word are
    /// dropped.
    static func sentences(_ body: Substring) -> [Sentence] {
        var out: [Sentence] = []
        var start = body.startIndex, i = body.startIndex
        func emit(_ end: Substring.Index) {
            let t = String(trimmed(body[start..<end]))
            let words = TextNormalizer.tokens(t)
            if !words.isEmpty { out.append(Sentence(text: t, words: words)) }
        }
        while i < body.endIndex {
            let ch = body[i]
            let next = body.index(after: i)
            if ch == "\n" || ch == "\r" {
                emit(i)
                start = next
            } else if ch == "." || ch == "!" || ch == "?", next < body.endIndex, body[next] == " " {
                let after = body.index(after: next)
                if after < body.endIndex {
                    let c = body[after]
                    if c.isUppercase || c.isNumber || c == "\"" || c == "'" || c == "\u{201C}" {
                        emit(next)
                        start = next
                    }
                }
            }
            i = next
        }
        emit(body.endIndex)
        return out
    }

    /// Share of the smaller word set found in the other.
    static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
        let smaller = min(a.count, b.count)
        return smaller == 0 ? 0 : Double(a.intersection(b).count) / Double(smaller)
    }

    /// Numbers written as words, up to twelve, by language ("three" → "four" is a changed figure too). Each list is
    /// used only for its language: Dutch "ten" is "at the", English "elf" is no number.
    static let numberWords: [Language: Set<String>] = [
        .en: ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozen",
              "hundred", "thousand", "million", "billion"],
        .nl: ["twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "honderd", "duizend",
              "miljoen", "miljard"],
    ]

    /// The numbers of a text: number words first, then digits as written (with inner `.`, `,` or `:`), each in text
    /// order. Scans bytes: only ASCII digits and letters matter.
    static func numbers(in text: String, lang: Language) -> [String] {
        let wordList = numberWords[lang] ?? []
        let b = Array(text.utf8)
        var words: [String] = [], digits: [String] = []
        var k = 0
        while k < b.count {
            let c = b[k]
            if c >= 0x30 && c <= 0x39 {
                var e = k + 1
                while e < b.count {
                    if b[e] >= 0x30 && b[e] <= 0x39 { e += 1; continue }
                    if (b[e] == 0x2E || b[e] == 0x2C || b[e] == 0x3A), e + 1 < b.count, b[e + 1] >= 0x30, b[e + 1] <= 0x39 { e += 2; continue }
                    break
                }
                digits.append(String(decoding: b[k..<e], as: UTF8.self))
                k = e
            } else if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A {
                var e = k + 1
                while e < b.count, (b[e] | 0x20) >= 0x61 && (b[e] | 0x20) <= 0x7A { e += 1 }
                // A word of ASCII letters alone (not the start of "drieënhalf" or a longer non-ASCII word).
                if e - k <= 8, e == b.count || b[e] < 0x80 {
                    let w = String(decoding: b[k..<e].map { $0 | 0x20 }, as: UTF8.self)
                    if wordList.contains(w) { words.append(w) }
                }
                k = e
            } else {
                k += 1
            }
        }
        return words + digits
    }
}
