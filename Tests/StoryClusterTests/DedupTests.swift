import Foundation
import Testing
@testable import StoryCluster

@Suite struct DedupTests {
    @Test func minHashEstimateStaysWithinItsStatisticalBound() {
        // 400 seeded pairs over the whole range of Jaccard values: the error of the k = 128 estimate must stay
        // within 4 standard errors √(J(1−J)/k) for every pair, and its mean must be unbiased.
        let hasher = MinHasher(permutations: 128, seed: 7)
        var worst = 0.0
        var meanError = 0.0
        for s in 0..<400 {
            var rng = SeededRNG(seed: UInt64(s))
            let shared = Int.random(in: 0...120, using: &rng)
            let onlyA = Int.random(in: 0...60, using: &rng), onlyB = Int.random(in: 0...60, using: &rng)
            if shared + onlyA + onlyB == 0 { continue }
            let common = (0..<shared).map { _ in rng.next() }
            let a = (common + (0..<onlyA).map { _ in rng.next() }).sorted()
            let b = (common + (0..<onlyB).map { _ in rng.next() }).sorted()
            let exact = jaccard(a, b)
            let estimate = MinHasher.estimate(hasher.signature(a), hasher.signature(b))
            let sigma = max(sqrt(exact * (1 - exact) / 128), 1.0 / 128)
            #expect(abs(estimate - exact) <= 4 * sigma, "seed \(s): J=\(exact) estimate=\(estimate)")
            worst = max(worst, abs(estimate - exact) / sigma)
            meanError += estimate - exact
        }
        #expect(abs(meanError / 400) < 0.01, "biased estimator: mean error \(meanError / 400)")
    }

    @Test func signaturesAreDeterministicAndSeeded() {
        var sh = Shingler()
        let s = sh.shingles(of: "De Amerikaanse ambassade in Riyad is geraakt door twee drones")
        #expect(MinHasher(seed: 3).signature(s) == MinHasher(seed: 3).signature(s))
        #expect(MinHasher(seed: 3).signature(s) != MinHasher(seed: 4).signature(s))
        #expect(MinHasher().signature([]).allSatisfy { $0 == .max })
    }

    @Test func byteHashTailLoadsMatchTheByteLoop() {
        // The reference: the tail gathered one byte at a time, as the hash was first written (stored states hold
        // band keys computed from these values, so the loads must not change a single one).
        func reference(_ b: [UInt8]) -> UInt64 {
            var h = 0x51_7CC1_B727_220A ^ (UInt64(b.count) &* 0x9E37_79B9_7F4A_7C15)
            var i = 0
            while i + 8 <= b.count {
                var w: UInt64 = 0
                for k in 0..<8 { w |= UInt64(b[i + k]) << UInt64(8 * k) }
                h = (h ^ Hashing.mix(w)) &* 0x9E37_79B9_7F4A_7C15
                h = (h << 27) | (h >> 37)
                i += 8
            }
            if i < b.count {
                var w: UInt64 = 0
                var shift: UInt64 = 0
                while i < b.count { w |= UInt64(b[i]) << shift; shift += 8; i += 1 }
                h = (h ^ Hashing.mix(w)) &* 0x9E37_79B9_7F4A_7C15
            }
            return Hashing.mix(h)
        }
        var rng = SplitMix64(seed: 9)
        for length in 0..<40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                #expect(bytes.withUnsafeBufferPointer { Hashing.bytes($0) } == reference(bytes), "length \(length)")
            }
        }
    }

    @Test func tokenHashIsTheByteHash() {
        // Short tokens are hashed from one masked load of the scanner's scratch; the value must be `Hashing.bytes`.
        let text = "a bc déf ghij klmno pqrstu vwxyzab cdefghij Oekraïne ĳs 3,5 miljoen x" + String(repeating: "q", count: 300)
        var seen = 0
        TextNormalizer.forEachToken(in: text) { bytes in
            #expect(Hashing.token(bytes) == Hashing.bytes(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            seen += 1
        }
        #expect(seen == 13)  // the last token is 301 bytes: it spills out of the scratch
    }

    @Test func hashSortAgreesWithTheStandardSort() {
        var rng = SplitMix64(seed: 5)
        for count in Array(0..<70) + [100, 257, 1000, 5000] {
            // Few distinct values too: repeated shingles must survive partitioning.
            for range: UInt64 in [4, .max] {
                var values = (0..<count).map { _ in range == .max ? rng.next() : rng.next() % range }
                let expected = values.sorted()
                values.withUnsafeMutableBufferPointer { Shingler.sortHashes($0.baseAddress, $0.count) }
                #expect(values == expected, "count \(count)")
            }
        }
        var sorted = Array(UInt64(0)..<3000), reversed = Array((UInt64(0)..<3000).reversed())
        sorted.withUnsafeMutableBufferPointer { Shingler.sortHashes($0.baseAddress, $0.count) }
        reversed.withUnsafeMutableBufferPointer { Shingler.sortHashes($0.baseAddress, $0.count) }
        #expect(sorted == Array(0..<3000) && reversed == Array(0..<3000))
    }

    @Test func optimalBandingMatchesTheSCurve() {
        let even = LSHParams.optimal(threshold: 0.8, permutations: 128, falsePositiveWeight: 0.5, falseNegativeWeight: 0.5)
        #expect(even == LSHParams(bands: 9, rows: 13))  // datasketch's choice for the same inputs
        let ours = LSHParams.optimal(threshold: 0.8, permutations: 128)
        #expect(ours.bands * ours.rows <= 128)
        #expect(ours.candidateProbability(0.8) >= 0.98)
        #expect(ours.candidateProbability(0.2) < 0.01)
    }

    @Test func shinglesIgnoreBoilerplateAndCase() {
        var sh = Shingler()
        let a = sh.shingles(of: Boilerplate.strip("TAMPA (ANP/AFP) - Het Amerikaanse leger heeft commandoposten verwoest."))
        let b = sh.shingles(of: Boilerplate.strip("TAMPA (ANP/RTR) – het amerikaanse LEGER heeft commandoposten verwoest"))
        #expect(a == b && a.count == 4)
        #expect(Boilerplate.strip("Storm nears coast.\n5 minutes ago") == "Storm nears coast.\n")
        #expect(Boilerplate.strip("By Jane Doe\nStorm nears coast.") == "Storm nears coast.")
        #expect(Boilerplate.strip("Markets rose. (Reporting by Jane Doe; Editing by Tom Roe)") == "Markets rose. ")
        #expect(sh.shingles(of: "two words").count == 1)
        var chars = Shingler(ShingleConfig(kind: .char, size: 5))
        #expect(chars.shingles(of: "abcdefg").count == 3)
    }

    @Test func groupsDoNotChain() {
        // A ≈ B and B ≈ C, but A and C are below the threshold: C must not join A's group.
        let base = (0..<40).map { "w\($0)" }
        var b = base; b[35...] = ["x1", "x2", "x3", "x4", "x5"]
        var c = b; c[0..<5] = ["y1", "y2", "y3", "y4", "y5"]
        let texts = [base, b, c].map { $0.joined(separator: " ") }
        var sh = Shingler()
        let sets = texts.map { sh.shingles(of: $0) }
        #expect(jaccard(sets[0], sets[1]) >= 0.7 && jaccard(sets[1], sets[2]) >= 0.7 && jaccard(sets[0], sets[2]) < 0.7)
        var config = DedupConfig()
        config.threshold = 0.7
        let result = Deduplicator(config: config).run(texts: texts, order: [0, 1, 2])
        #expect(result.canonicalOf == [0, 0, 2])
        #expect(result.groups.count == 1 && result.groups[0].members == [0, 1])
    }

    @Test func canonicalIsEarliestThenLongestThenSmallestId() {
        let t0 = ISO8601.parse("2026-11-01T10:00:00Z")!
        let briefs = [
            Brief(id: "c", source: "s", published: t0.addingTimeInterval(60), text: "same text here for all of them"),
            Brief(id: "b", source: "s", published: t0, text: "same text here for all of them"),
            Brief(id: "a", source: "s", published: t0, text: "same text here for all of them"),
            Brief(id: "d", source: "s", published: nil, text: "same text here for all of them, longer"),
            Brief(id: "e", source: "s", published: t0, text: "Same text, here for all of them!!"),
        ]
        let order = Deduplicator.canonicalOrder(briefs)
        #expect(order.map { briefs[$0].id } == ["e", "a", "b", "c", "d"])
        let result = Deduplicator().run(briefs)
        #expect(result.groups.count == 1)
        #expect(briefs[result.groups[0].canonical].id == "e")
        #expect(result.stats.exactDuplicates == 3)
        #expect(result.canonicalOf[3] == 4 || result.canonicalOf[3] == 3)
    }

    @Test func emptyAndSingleInputs() {
        #expect(Deduplicator().run([]).groups.isEmpty)
        let one = Deduplicator().run([Brief(id: "x", source: "s", text: "only one")])
        #expect(one.canonicalOf == [0] && one.groups.isEmpty)
    }

    @Test func crawlSimulationReachesPairF1() throws {
        let root = Fixtures.root.appendingPathComponent("Data/crawlsim")
        let corpus = try CorpusReader().read(root.appendingPathComponent("pages").path)
        let gold = try GoldLabels(path: root.appendingPathComponent("labels.jsonl").path, field: "dup")
        #expect(corpus.skipped.isEmpty)
        #expect(corpus.briefs.count == gold.labelOf.count)
        let result = Deduplicator().run(corpus.briefs)
        let predicted = corpus.briefs.indices.map { corpus.briefs[result.canonicalOf[$0]].id }
        let labels = try corpus.briefs.map { try #require(gold.labelOf[$0.id], "no label for \($0.id)") }
        let scores = ClusteringMetrics.score(predicted: predicted, gold: labels)
        #expect(scores.pairwise.f1 >= 0.98, "duplicate-pair \(scores.pairwise)")
        #expect(scores.pairwise.precision >= 0.99, "duplicate-pair \(scores.pairwise)")
    }
}

/// Issue #17: typed duplicate links and the version veto.
@Suite struct DuplicateLinkTests {
    static let body = (0..<90).map { "woord\($0)" }.joined(separator: " ")

    @Test func copiesUpdatesAndWhatChanged() {
        // Feeds that write the headline into the text (a title the text opens with).
        let canonical = Brief(id: "a", source: "t", title: "Kop van het bericht", text: "Kop van het bericht. Het kabinet trekt 270.000 euro uit voor het plan. " + "Minister De Vries zei dat in Den Haag. Het plan gaat in januari in.")
        func link(_ text: String, title: String? = "Kop van het bericht") -> DuplicateLink {
            DuplicateLinks.link(Brief(id: "b", source: "t", title: title, text: text), to: canonical, similarity: 0.9)
        }
        // A reworded headline: a copy.
        let copy = link("Een andere kop boven het bericht. Het kabinet trekt 270.000 euro uit voor het plan. Minister De Vries zei dat in Den Haag. Het plan gaat in januari in.",
                        title: "Een andere kop boven het bericht")
        #expect(copy.kind == .copy && copy.summary.isEmpty, "\(copy)")
        // A wire brief without a headline: its lead counts, and another dateline or agency is boilerplate.
        let wire = Brief(id: "w", source: "t", lang: .en, text: "DETROIT (Reuters) - Three people were hurt in a fire on Monday. The police are investigating.")
        let wireCopy = DuplicateLinks.link(Brief(id: "x", source: "t", lang: .en, text: "DETROIT (Reuters/AFP) - Three people were hurt in a fire on Monday. The police are investigating."),
                                           to: wire, similarity: 0.9)
        #expect(wireCopy.kind == .copy, "\(wireCopy)")
        let wireUpdate = DuplicateLinks.link(Brief(id: "y", source: "t", lang: .en, text: "DETROIT (Reuters) - Four people were hurt in a fire on Monday. The police are investigating."),
                                             to: wire, similarity: 0.9)
        #expect(wireUpdate.kind == .update && wireUpdate.numbersBefore == ["three"] && wireUpdate.numbersAfter == ["four"], "\(wireUpdate)")
        // Number words count in their own language only: Dutch "ten" ("ten noorden van") is no number.
        #expect(DuplicateLinks.numbers(in: "ten noorden van Urk, drie schepen", lang: .nl) == ["drie"])
        #expect(DuplicateLinks.numbers(in: "ten ships, 3 crews", lang: .en) == ["ten", "3"])
        // A changed amount: an update naming both numbers.
        let amount = link("DEN HAAG (ANP) - Kop van het bericht. Het kabinet trekt 250.000 euro uit voor het plan. Minister De Vries zei dat in Den Haag. Het plan gaat in januari in.")
        #expect(amount.kind == .update && amount.numbersBefore == ["270.000"] && amount.numbersAfter == ["250.000"], "\(amount)")
        #expect(amount.editedSentences.count == 1)
        // An appended sentence: an update listing it.
        let appended = link(canonical.text + " De oppositie is boos over het besluit van de regering.")
        #expect(appended.addedSentences.count == 1)
        #expect(appended.kind == .update && appended.addedSentences == ["De oppositie is boos over het besluit van de regering."], "\(appended)")
        #expect(appended.summary == "+1 sentence")
        // Identical text: a copy.
        #expect(link(canonical.text).kind == .copy)
    }

    @Test func cosmeticEditsAreCopiesAndHeadlineNewsIsAnUpdate() {
        // Cases from the stream's audits (session 9): what a reader called a copy and what an update.
        let body = " De politie heeft in Málaga een 50-jarige Nederlander aangehouden die duizend kilo hasj vervoerde. Hij moest de 2700 euro afgeven die hij bij zich had."
        func brief(_ id: String, _ title: String, _ rest: String = body) -> Brief {
            Brief(id: id, source: "t", title: title, text: title + "." + rest)
        }
        let canonical = brief("a", "Nederlander met duizend kilo hasj vast in Málaga")
        func kind(_ b: Brief) -> DuplicateLink { DuplicateLinks.link(b, to: canonical, similarity: 0.9) }
        // A number written in digits instead of words, a typing error fixed, a repeated subheading: copies.
        let digits = kind(brief("b", "Nederlander met 1000 kilo hasj vast in Málaga", body.replacingOccurrences(of: "duizend", with: "1000")))
        #expect(digits.kind == .copy && digits.numbersAfter.isEmpty, "\(digits)")
        let typo = kind(brief("c", "Nederlander met duizend kilo hasj vast in Málaga", body.replacingOccurrences(of: "aangehouden", with: "aangehoudden")))
        #expect(typo.kind == .copy, "\(typo)")
        // A headline reworded without news (its words are in the brief): a copy; one naming a new place: an update.
        let reworded = kind(brief("d", "Politie houdt Nederlander met hasj aan in Málaga"))
        #expect(reworded.kind == .copy && reworded.headline != nil && reworded.headlineNews.isEmpty, "\(reworded)")
        let named = kind(brief("e", "Nederlander uit Almere met duizend kilo hasj vast in Málaga"))
        #expect(named.kind == .update && named.headlineNews == ["Almere"], "\(named)")
        // A changed day or position is a changed fact.
        let day = DuplicateLinks.link(Brief(id: "f", source: "t", lang: .nl, text: "Er is dinsdag chaos op de A13 na drie ongelukken."),
                                      to: Brief(id: "g", source: "t", lang: .nl, text: "Er is maandag chaos op de A13 na drie ongelukken."), similarity: 0.9)
        #expect(day.kind == .update && day.numbersBefore == ["maandag"] && day.numbersAfter == ["dinsdag"], "\(day)")
        // A live page's headline follows the event: any new word in it is news.
        let liveBody = " Serena Williams en Bianca Andreescu zijn om 22.15 uur aan de finale begonnen. Volg de eindstrijd in dit liveblog."
        let live = DuplicateLinks.link(brief("h", "Williams overleeft matchpoint in finale", liveBody), to: brief("i", "Problemen voor Williams in finale", liveBody), similarity: 0.9)
        #expect(live.kind == .update && live.headlineNews == ["overleeft", "matchpoint"], "\(live)")
        let notLive = DuplicateLinks.link(brief("j", "Williams overleeft matchpoint in finale", " Serena Williams en Bianca Andreescu zijn om 22.15 uur aan de finale begonnen."),
                                          to: brief("k", "Problemen voor Williams in finale", " Serena Williams en Bianca Andreescu zijn om 22.15 uur aan de finale begonnen."), similarity: 0.9)
        #expect(notLive.kind == .copy, "\(notLive)")
        // A link is the two texts' alone: the same pair typed within a larger report is typed alike.
        let pair = DedupResult(groups: [DuplicateGroup(canonical: 0, members: [0, 1], minSimilarity: 0.9)], canonicalOf: [0, 0],
                               similarity: [1, 0.9], stats: DedupStats())
        #expect(DuplicateLinks.all(pair, briefs: [canonical, brief("d", "Politie houdt Nederlander met hasj aan in Málaga")])[1] == reworded)
    }

    @Test func containmentFoldsAGrownUpdateButNotAShortText() {
        // An update that appended sentences has a Jaccard under the threshold but contains its earlier version.
        let base = (0..<40).map { "woord\($0)" }.joined(separator: " ")
        let grown = base + " " + (0..<12).map { "extra\($0)" }.joined(separator: " ")
        #expect(Deduplicator().run(texts: [base, grown], order: [0, 1]).canonicalOf == [0, 0])
        var off = DedupConfig()
        off.containment = 0
        #expect(Deduplicator(config: off).run(texts: [base, grown], order: [0, 1]).canonicalOf == [0, 1])
        // A text of fewer than 20 shingles is contained in too much to say so.
        let short = (0..<15).map { "woord\($0)" }.joined(separator: " "), longer = (0..<20).map { "woord\($0)" }.joined(separator: " ")
        #expect(Deduplicator().run(texts: [longer, short], order: [0, 1]).canonicalOf == [0, 1])
        // The latest version of a group is its last update; a later copy adds nothing.
        let t0 = Date(timeIntervalSince1970: 0)
        let briefs = [Brief(id: "a", source: "t", published: t0, lang: .nl, text: "Er vielen drie doden bij de brand in de haven van Rotterdam."),
                      Brief(id: "b", source: "t", published: t0 + 3600, lang: .nl, text: "Er vielen vier doden bij de brand in de haven van Rotterdam."),
                      Brief(id: "c", source: "t", published: t0 + 7200, lang: .nl, text: "Er vielen drie doden bij de brand in de haven van Rotterdam.")]
        let group = DuplicateGroup(canonical: 0, members: [0, 1, 2], minSimilarity: 0.8)
        let result = DedupResult(groups: [group], canonicalOf: [0, 0, 0], similarity: [1, 0.8, 1], stats: DedupStats())
        let links = DuplicateLinks.all(result, briefs: briefs)
        #expect(links[1]?.kind == .update && links[2]?.kind == .copy)
        #expect(DuplicateLinks.latest(of: group, links: links, briefs: briefs) == 1)
    }

    @Test func linkTypesMatchTheCrawlSimulationsEdits() throws {
        // edits.jsonl says what the generator did to each version (numbers, words, sentences, agencies). A member
        // whose edits other than agency tags differ from its canonical brief's is an update, else a copy.
        let root = Fixtures.root.appendingPathComponent("Data/crawlsim")
        let corpus = try CorpusReader().read(root.appendingPathComponent("pages").path)
        let dedup = Deduplicator().run(corpus.briefs)
        var edits: [String: [String]] = [:]
        for line in try String(contentsOf: root.appendingPathComponent("edits.jsonl"), encoding: .utf8).split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            edits[o["id"] as! String] = ((o["edits"] as? [String]) ?? []).filter { !$0.hasPrefix("agency") }.sorted()
        }
        var agree = 0, total = 0, updates = 0
        for g in dedup.groups {
            let c = corpus.briefs[g.canonical]
            for m in g.members where m != g.canonical {
                let b = corpus.briefs[m]
                let expected: DuplicateLink.Kind = edits[b.id] != edits[c.id] ? .update : .copy
                let got = DuplicateLinks.link(b, to: c, similarity: dedup.similarity[m]).kind
                total += 1
                if got == expected { agree += 1 }
                if expected == .update { updates += 1 }
            }
        }
        // Measured: 576 of 576 (143 updates); held-out seeds 7 and 8: 593/593, 597/597.
        #expect(total > 500 && updates > 100 && Double(agree) >= 0.98 * Double(total), "\(agree) of \(total)")
    }

    @Test func differentVersionNumbersAreNeverDuplicates() {
        // Release notes share their template word for word; the version number is the item.
        let texts = ["WSUS Offline Update 11.7. Versie 11.7 van WSUS Offline Update is uitgekomen. " + Self.body,
                     "WSUS Offline Update 11.7.1. Versie 11.7.1 van WSUS Offline Update is uitgekomen. " + Self.body,
                     "WSUS Offline Update 11.7. Versie 11.7 van WSUS Offline Update is uitgekomen, meldt de maker. " + Self.body]
        let vetoed = Deduplicator().run(texts: texts, order: [0, 1, 2])
        #expect(vetoed.canonicalOf == [0, 1, 0], "\(vetoed.canonicalOf)")
        var config = DedupConfig()
        config.versionVeto = false
        #expect(Deduplicator(config: config).run(texts: texts, order: [0, 1, 2]).canonicalOf == [0, 0, 0])
        // Amounts with thousands separators are not versions: a changed amount stays an update of one item.
        #expect(Deduplicator.versionKey("Het kost 270.000 euro") == 0 && Deduplicator.versionKey("1.250.000 bezoekers") == 0)
        #expect(Deduplicator.versionKey("versie 19.4.2") != 0 && Deduplicator.versionKey("versie 19.4.2") != Deduplicator.versionKey("versie 19.6.1"))
        #expect(Deduplicator.versionKey("Macrium 7.2.4228 en 7.2.4228") == Deduplicator.versionKey("Macrium 7.2.4228"))
        // Three-digit groups after a leading 0 or a short group are versions (MAME 0.210, doPDF 10.1.112).
        #expect(Deduplicator.versionKey("MAME 0.210") != 0 && Deduplicator.versionKey("MAME 0.210") != Deduplicator.versionKey("MAME 0.213"))
        #expect(Deduplicator.versionKey("doPDF 10.1.112") != Deduplicator.versionKey("doPDF 10.3.115"))
    }
}

@Suite struct BoilerplateTests {
    @Test func bytePreCheckNeverSkipsAnythingTheFullCheckStrips() throws {
        // Texts with and without every pattern, and near-misses of each (the pre-check may only say "nothing here"
        // when the scanning path agrees).
        var texts = [
            "TAMPA (ANP/AFP) - Een orkaan trof de kust.", "Tampa (ANP) - lowercase place", "WASHINGTON, June 17 (Reuters) - Text.",
            "By Jane Doe\nThe text follows.", "Door onze correspondent\nDe tekst.", "Plain text with no boilerplate at all.",
            "Text that ends with a marker 31 minuten geleden", "Ends with 2 hours ago", "gisteren", "Text (Reporting by X; Editing by Y)",
            "Text (Additional reporting by Z)", "Text ending in a bracket (really)", "ÉCHO (AFP) - accented place", "",
            "A (", "(", "x\ny", "Some text yesterday", "SHORT (X) -", "NEW YORK (AP) — dash separator text",
        ]
        // Real brief texts and whole page lines (datelines, ages and bylines still attached).
        for path in ["Data/sample", "Data/crawlsim/pages", "Data/ecbplus/corpus.jsonl"] {
            texts += try CorpusReader().read(Fixtures.root.appendingPathComponent(path).path).briefs.prefix(3000).map(\.text)
        }
        texts += try String(contentsOf: Fixtures.seedPage, encoding: .utf8).split(separator: "\n").map(String.init)
        for t in texts { #expect(Boilerplate.strip(t) == Boilerplate.stripScanning(t), "\(t.prefix(60))") }
    }

    @Test func asciiFastPathAgreesWithTheScalarParser() {
        let samples = ["WASHINGTON, June 17 (Reuters) - Fed holds.", "NEW YORK (AP) - Stocks.", "ST. LOUIS (AP/Reuters) -  x",
                       "PARIS AFP - no", "Paris (AFP) - no", "A (B) - one letter", "BERLIN (dpa) -", "LONDON (AP) — dash",
                       "U.S. (X) - y", "BIG CITY, 12 (Y) - z", "CITY, (Y) - z", "CITY (Y)-z", "CITY (Y) x"]
        for s in samples {
            let bytes = Array(s.utf8)
            let ascii = Boilerplate.asciiDatelineEnd(bytes)
            let scalar = WireMarkers.matchDateline(Array(s.unicodeScalars), at: 0)?.end
            if bytes.allSatisfy({ $0 < 0x80 }) { #expect(ascii == scalar, "\(s)") }
        }
    }

    /// Signatures of length `k` agreeing in their first `agree` values.
    static func similarity(k: Int, agree: Int, exact: Double, containment: Double = 0) -> Double? {
        var config = DedupConfig()
        config.permutations = k
        config.containment = containment
        let x = (0..<k).map { UInt32($0 + 1) }, y = (0..<k).map { $0 < agree ? UInt32($0 + 1) : 0 }
        return x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in Deduplicator(config: config).verifiedSimilarity(xp.baseAddress!, yp.baseAddress!) { _ in exact } }
        }
    }

    @Test func signaturePreFilterNeverDropsTrueDuplicatesOfShortSignatures() {
        // k = 8: an estimate of 3/8 for a pair whose exact Jaccard is 0.9 is two standard errors off, not rare. The
        // fixed margin (threshold − 0.25) dropped such pairs; the margin now widens as 1/√k.
        #expect(Self.similarity(k: 8, agree: 3, exact: 0.9) == 0.9)
        #expect(DedupConfig().preFilterMargin == 0.25)
        // k = 128: the same estimate is 10 standard errors below the threshold and is still filtered.
        #expect(Self.similarity(k: 128, agree: 48, exact: 0.9) == nil)
        #expect(Self.similarity(k: 128, agree: 120, exact: 0.9) == 0.9)
        // With containment the filter measures from its floor (0.5): 48/128 is then within reach, 20/128 is not.
        #expect(Self.similarity(k: 128, agree: 48, exact: 0.9, containment: 0.9) == 0.9)
        #expect(Self.similarity(k: 128, agree: 20, exact: 0.9, containment: 0.9) == nil)
    }

    @Test func thresholdOneBandsTheWholeSignature() {
        let p = LSHParams.optimal(threshold: 1, permutations: 128)
        #expect(p.bands * p.rows <= 128 && p.candidateProbability(1) == 1)
    }
}
