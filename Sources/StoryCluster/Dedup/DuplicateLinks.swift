import Foundation

/// How a duplicate relates to its canonical brief, so that an editor can trust what is folded away: a copy (nothing
/// but boilerplate or the headline differs) or an update (sentences added, dropped or edited, numbers changed).
public struct DuplicateLink: Equatable, Sendable {
    /// The two kinds of duplicate.
    public enum Kind: String, Sendable {
        /// The same brief: identical after normalisation, or differing only in boilerplate (dateline, agency tags),
        /// spelling, how a number is written, or a headline reworded without news.
        case copy
        /// The same brief with information added, dropped or changed: a sentence, a number, a day, or a headline
        /// bringing a new number or name (any new word on a live page).
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
    /// The headline as reworded (nil when unchanged, or when either brief has no title its text opens with).
    public var headline: Edit?
    /// Words of the new headline that are news against the canonical brief (numbers, names; any new word on a live
    /// page); a reworded headline without any is still a copy.
    public var headlineNews: [String] = []
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
        if !headlineNews.isEmpty { parts.append("headline: " + headlineNews.joined(separator: ", ")) }
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
        var analysed: Analysed?
        return link(member, to: canonical, canonicalText: Boilerplate.strip(canonical.text), analysed: &analysed, similarity: similarity)
    }

    /// The link of `member` to `canonical`, whose stripped text is `canonicalText`: a member with the same text (most
    /// of a crawl) is a copy without any analysis; the canonical brief is analysed on first need into `analysed`, so
    /// a group's members share that work.
    static func link(_ member: Brief, to canonical: Brief, canonicalText: Substring, analysed: inout Analysed?,
                     similarity: Double) -> DuplicateLink {
        let stripped = Boilerplate.strip(member.text)
        if stripped == canonicalText { return DuplicateLink(kind: .copy, similarity: similarity) }
        if analysed == nil { analysed = Analysed(canonical, stripped: canonicalText) }
        return link(Analysed(member, stripped: stripped), to: analysed!, similarity: similarity)
    }

    /// The links of every duplicate in `result` (by brief index), computed per group on all cores.
    ///
    /// A link depends on its two texts alone, never on which other groups a report holds: a night's report, a
    /// shard of a distributed job and a full run type every pair alike.
    public static func all(_ result: DedupResult, briefs: [Brief]) -> [Int: DuplicateLink] {
        let groups = result.groups
        var parts = [[(Int, DuplicateLink)]](repeating: [], count: groups.count)
        parts.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: groups.count) { k in
                let g = groups[k]
                let canonicalText = Boilerplate.strip(briefs[g.canonical].text)
                var canonical: Analysed?
                out[k] = g.members.filter { $0 != g.canonical }.map { m in
                    (m, link(briefs[m], to: briefs[g.canonical], canonicalText: canonicalText, analysed: &canonical, similarity: result.similarity[m]))
                }
            }
        }
        var links: [Int: DuplicateLink] = [:]
        for part in parts { for (m, l) in part { links[m] = l } }
        return links
    }

    /// The latest version of a group: its most recently published update (a later copy adds nothing), or the
    /// canonical brief when none was updated. A story shows this version first, with the earlier ones behind it.
    public static func latest(of group: DuplicateGroup, links: [Int: DuplicateLink], briefs: [Brief]) -> Int {
        var best = group.canonical
        for m in group.members where m != group.canonical && links[m]?.kind == .update {
            guard let t = briefs[m].published else { continue }
            if best == group.canonical || t > briefs[best].published ?? .distantPast { best = m }
        }
        return best
    }

    /// A brief cut for comparison: its headline (a title its text opens with), body sentences and words.
    struct Analysed {
        var brief: Brief
        var stripped: Substring
        /// The title the text opens with: what a repost rewords, so its changes alone make no update. A wire brief
        /// without one starts with its lead, which counts as body.
        var headline: Substring?
        var body: [Sentence]
        /// Folded words of the headline (when the text opens with one).
        var headlineWords: [String] = []
        /// The brief's language (guessed when the reader skipped guessing, as `dedup` does).
        var lang: Language
        /// The numbers of the body (after the headline), as `DuplicateLinks.numbers` reads them.
        var bodyNumbers: [String]

        /// Analyses a brief that differs from its canonical text (the only ones worth the passes below); a canonical
        /// brief is analysed once for all its members.
        init(_ b: Brief, stripped: Substring? = nil) {
            brief = b
            self.stripped = stripped ?? Boilerplate.strip(b.text)
            let text = DuplicateLinks.trimmed(self.stripped)
            if let t = b.title.map(DuplicateLinks.trimmed), !t.isEmpty, text.hasPrefix(t) {
                headline = t
                headlineWords = TextNormalizer.tokens(String(t))
                body = DuplicateLinks.sentences(text.dropFirst(t.count))
            } else {
                let all = DuplicateLinks.sentences(text)
                if let t = b.title.map({ TextNormalizer.tokens(String($0)) }), !t.isEmpty, let first = all.first, first.words == t {
                    // The same title in another normalisation or spacing (an emoji, a non-breaking space).
                    headline = Substring(first.text)
                    headlineWords = t
                    body = Array(all.dropFirst())
                } else {
                    headline = nil
                    body = all
                }
            }
            lang = b.lang == .other ? LanguageGuesser.guess(b.title.map { $0 + " " + b.text } ?? b.text) : b.lang
            bodyNumbers = DuplicateLinks.numbers(in: body.map(\.text).joined(separator: " "), lang: lang)
        }

        /// Folded words of the whole text (boilerplate stripped); asked only when headlines differ.
        var words: Set<String> {
            var words = Set(headlineWords)
            for sentence in body { words.formUnion(sentence.words) }
            return words
        }

        /// Whether the text presents itself as a live page, whose headline follows the event: "live" in its
        /// headline, a live blog named anywhere, or "van minuut tot minuut" (a body's "live te volgen" alone is not).
        var live: Bool {
            if headlineWords.contains(where: { $0 == "live" || DuplicateLinks.liveWords.contains($0) }) { return true }
            for sentence in body {
                let w = sentence.words
                if w.contains(where: DuplicateLinks.liveWords.contains) { return true }
                if w.count >= 3 && (2..<w.count).contains(where: { w[$0 - 2] == "minuut" && w[$0 - 1] == "tot" && w[$0] == "minuut" }) { return true }
            }
            return false
        }

    }

    /// Words by which a page says it is live (Dutch and English use the same ones).
    static let liveWords: Set<String> = ["liveblog", "livestream", "liveticker", "liveupdates"]

    /// The link of an analysed `member` to its analysed canonical brief (texts that differ once stripped).
    static func link(_ member: Analysed, to canonical: Analysed, similarity: Double) -> DuplicateLink {
        var link = DuplicateLink(kind: .copy, similarity: similarity)
        let aBody = canonical.body, bBody = member.body
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
        let langA = canonical.lang, langB = member.lang
        // Unmatched sentences sharing half their words are one sentence edited; the rest were added or dropped. An
        // edit of spelling, punctuation or how a number is written ("duizend" / "1000") is no update. Rewording (a
        // synonym, an epithet) is: readers split on it, and "early" → "late" is a changed fact.
        for j in unmatchedB.sorted() {
            let words = Set(bBody[j].words)
            var best: Int? = nil, bestOverlap = 0.0
            for i in unmatchedA.sorted() {
                let o = overlap(words, Set(aBody[i].words))
                if o > bestOverlap { best = i; bestOverlap = o }
            }
            if let i = best, bestOverlap >= 0.5 {
                if !cosmetic(aBody[i].words, langA, bBody[j].words, langB) {
                    link.editedSentences.append(DuplicateLink.Edit(before: aBody[i].text, after: bBody[j].text))
                }
                unmatchedA.remove(i)
                unmatchedB.remove(j)
            }
        }
        link.addedSentences = unmatchedB.sorted().map { bBody[$0].text }
        link.droppedSentences = unmatchedA.sorted().map { aBody[$0].text }
        // Numbers of the bodies, compared by value.
        let (before, after) = differingNumbers(canonical.bodyNumbers, langA, member.bodyNumbers, langB)
        link.numbersBefore = before
        link.numbersAfter = after
        // A reworded headline is a copy unless the new one brings a fact the earlier brief does not have: a number,
        // a name, or (on a live page) any new word, since a live page's headline follows the event.
        if let ha = canonical.headline, let hb = member.headline, canonical.headlineWords != member.headlineWords {
            link.headline = DuplicateLink.Edit(before: String(ha), after: String(hb))
            link.headlineNews = headlineNews(hb, lang: langB, live: member.live || canonical.live, earlier: canonical)
        }
        let changed = !link.addedSentences.isEmpty || !link.droppedSentences.isEmpty || !link.editedSentences.isEmpty
            || !link.numbersBefore.isEmpty || !link.numbersAfter.isEmpty || !link.headlineNews.isEmpty
        link.kind = changed ? .update : .copy
        return link
    }

    /// Words of a later headline that are news against the `earlier` brief: numbers it lacks, capitalised words
    /// (names; not a headline's or a sentence's first word) it lacks, and on a live page any word it lacks; a word
    /// within two typing errors of one in the earlier headline is a correction, not news.
    static func headlineNews(_ headline: Substring, lang: Language, live: Bool, earlier: Analysed) -> [String] {
        var news: [String] = []
        let earlierLang = earlier.lang
        let earlierValues = Set(numbers(in: String(earlier.stripped), lang: earlierLang).map { numberValue($0, lang: earlierLang) })
        let earlierHeadline = earlier.headlineWords
        for n in numbers(in: String(headline), lang: lang) where !earlierValues.contains(numberValue(n, lang: lang)) {
            news.append(n)
        }
        let earlierWords = earlier.words
        var first = true
        for raw in headline.split(whereSeparator: { $0.isWhitespace }) {
            let folded = TextNormalizer.tokens(String(raw))
            defer { first = raw.last.map { ".!?:|–-".contains($0) } ?? false }
            guard !folded.isEmpty, !folded.contains(where: { earlierWords.contains($0) }) else { continue }
            // A typing error corrected ("vraag" → "vraagt") is no news.
            let bytes = Array(folded.joined().utf8)
            if earlierHeadline.contains(where: { editDistance(Array($0.utf8), bytes, limit: 2) <= 2 }) { continue }
            let word = raw.drop(while: { !$0.isLetter && !$0.isNumber })
            guard let c = word.first, !c.isNumber else { continue }
            if live || (!first && c.isUppercase) { news.append(String(word)) }
        }
        var seen = Set<String>()
        return news.filter { seen.insert($0).inserted }
    }

    /// Whether an edit of a sentence changes nothing a reader would call news: the same words once numbers are read
    /// by value, or the same letters up to two typing errors, with the same numbers.
    static func cosmetic(_ a: [String], _ langA: Language, _ b: [String], _ langB: Language) -> Bool {
        let va = a.map { numberValue($0, lang: langA) }, vb = b.map { numberValue($0, lang: langB) }
        // The same words, repeated or in another order (a subheading run into the sentence).
        if Set(va) == Set(vb) { return true }
        let ja = va.joined(), jb = vb.joined()
        if ja == jb { return true }
        let numbersA = va.filter { $0.first?.isNumber ?? false }, numbersB = vb.filter { $0.first?.isNumber ?? false }
        return numbersA == numbersB && editDistance(Array(ja.utf8), Array(jb.utf8), limit: 2) <= 2
    }

    /// Levenshtein distance of two byte strings, or `limit + 1` once it is certainly above `limit`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(1, a.count) where !a.isEmpty {
            current[0] = i
            var rowMin = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMin = min(rowMin, current[j])
            }
            if rowMin > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    /// Numbers of `before` and of `after` the other lacks (as written, in text order, each value once), compared by
    /// value: "duizend", "1000" and "1.000" are one number.
    static func differingNumbers(_ before: [String], _ langA: Language, _ after: [String], _ langB: Language) -> ([String], [String]) {
        let va = before.map { numberValue($0, lang: langA) }, vb = after.map { numberValue($0, lang: langB) }
        // As sets: a number written once more (a repeated subheading) is no change of figure.
        func missing(_ xs: [String], _ values: [String], from others: [String]) -> [String] {
            let present = Set(others)
            var seen = Set<String>()
            return zip(xs, values).filter { !present.contains($0.1) && seen.insert($0.1).inserted }.map(\.0)
        }
        return (missing(before, va, from: vb), missing(after, vb, from: va))
    }

    /// A number's value as a comparable string: a number word's digits ("tien" → "10", "vierde" → "4e", "maandag" →
    /// "ma"), digits without thousands separators ("1.000" → "1000") and with a decimal point ("4,3" → "4.3"); any
    /// other token unchanged.
    static func numberValue(_ token: String, lang: Language) -> String {
        // Tokens and scanned number words are already lower case (folded): no `lowercased()` copy per token.
        if let v = numberWords[lang]?[token] { return v }
        guard let f = token.utf8.first, f >= 0x30 && f <= 0x39 else { return token }
        let parts = token.split(whereSeparator: { $0 == "." || $0 == "," })
        if parts.count > 1, parts[0].count <= 3, parts.dropFirst().allSatisfy({ $0.count == 3 }) { return parts.joined() }
        return token.replacingOccurrences(of: ",", with: ".")
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
        let u = body.utf8
        var start = u.startIndex, i = u.startIndex
        func emit(_ end: Substring.Index) {
            let t = String(trimmed(body[start..<end]))
            let words = TextNormalizer.tokens(t)
            if !words.isEmpty { out.append(Sentence(text: t, words: words)) }
        }
        // Bytes, not Characters: only ASCII marks end a sentence, and grapheme breaking cost a sixth of `dedup`.
        while i < u.endIndex {
            let b = u[i]
            let next = u.index(after: i)
            if b == 0x0A || b == 0x0D {
                emit(i)
                start = next
            } else if b == 0x2E || b == 0x21 || b == 0x3F, next < u.endIndex, u[next] == 0x20 {
                let after = u.index(after: next)
                if after < u.endIndex {
                    let c = u[after]
                    let opens: Bool
                    if c < 0x80 {
                        opens = (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x22 || c == 0x27
                    } else {
                        let scalar = body.unicodeScalars[after]
                        opens = scalar.properties.isUppercase || scalar.properties.numericType != nil || scalar == "\u{201C}"
                    }
                    if opens {
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

    /// Numbers written as words, ordinals and weekdays by language, with their value ("three" → "four" is a changed
    /// figure, "maandag" → "dinsdag" a changed day). Each list is used only for its language: Dutch "ten" is "at
    /// the", English "elf" is no number.
    static let numberWords: [Language: [String: String]] = [
        .en: ["one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
              "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12", "hundred": "100",
              "thousand": "1000", "million": "1000000", "billion": "1000000000",
              "first": "1e", "third": "3e", "fourth": "4e", "fifth": "5e", "sixth": "6e", "seventh": "7e",
              "eighth": "8e", "ninth": "9e", "tenth": "10e",
              "monday": "ma", "tuesday": "di", "wednesday": "wo", "thursday": "do", "friday": "vr", "saturday": "za",
              "sunday": "zo"],
        .nl: ["twee": "2", "drie": "3", "vier": "4", "vijf": "5", "zes": "6", "zeven": "7", "acht": "8", "negen": "9",
              "tien": "10", "elf": "11", "twaalf": "12", "honderd": "100", "duizend": "1000", "miljoen": "1000000",
              "miljard": "1000000000",
              "eerste": "1e", "tweede": "2e", "derde": "3e", "vierde": "4e", "vijfde": "5e", "zesde": "6e",
              "zevende": "7e", "achtste": "8e", "negende": "9e", "tiende": "10e",
              "maandag": "ma", "dinsdag": "di", "woensdag": "wo", "donderdag": "do", "vrijdag": "vr",
              "zaterdag": "za", "zondag": "zo"],
    ]

    /// The numbers of a text: number words first, then digits as written (with inner `.`, `,` or `:`), each in text
    /// order. Scans bytes: only ASCII digits and letters matter.
    static func numbers(in text: String, lang: Language) -> [String] {
        let wordList = numberWords[lang] ?? [:]
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
                if e - k <= 10, e == b.count || b[e] < 0x80 {
                    let w = String(decoding: b[k..<e].map { $0 | 0x20 }, as: UTF8.self)
                    if wordList[w] != nil { words.append(w) }
                }
                k = e
            } else {
                k += 1
            }
        }
        return words + digits
    }
}
