import Testing
@testable import StoryCluster

@Suite struct TextNormalizerTests {
    @Test func asciiTokensMatchAPlainReference() {
        // Letter runs are scanned eight bytes at a time; this reference reads one byte at a time: lower-cased letters
        // and digits make tokens, "3,5" / "3.5" inside a number is one token with a dot, anything else separates.
        func reference(_ text: String) -> [String] {
            let b = Array(text.utf8)
            var out: [String] = [], cur: [UInt8] = [], lastDigit = false
            func flush() { if !cur.isEmpty { out.append(String(decoding: cur, as: UTF8.self)) }; cur = []; lastDigit = false }
            for (i, c) in b.enumerated() {
                if (0x61...0x7A).contains(c) { cur.append(c); lastDigit = false }
                else if (0x41...0x5A).contains(c) { cur.append(c | 0x20); lastDigit = false }
                else if (0x30...0x39).contains(c) { cur.append(c); lastDigit = true }
                else if (c == 0x2E || c == 0x2C) && lastDigit && i + 1 < b.count && (0x30...0x39).contains(b[i + 1]) { cur.append(0x2E); lastDigit = false }
                else { flush() }
            }
            flush()
            return out
        }
        var rng = SeededRNG(seed: 3)
        let alphabet = Array("abcxyzABCXYZ0123456789 .,-@[`{'\n\t!?")
        for round in 0..<3000 {
            let length = Int.random(in: 0..<(round % 10 == 0 ? 700 : 60), using: &rng)
            // Long letter runs too, so tokens cross the 256-byte scratch and spill.
            let text = String((0..<length).map { _ in round % 7 == 0 ? "q" : alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            #expect(TextNormalizer.tokens(text) == reference(text), "\(text)")
        }
    }

    @Test func foldsCaseDiacriticsAndCompatibilityForms() {
        #expect(TextNormalizer.tokens("Oekraïne") == ["oekraine"])
        #expect(TextNormalizer.tokens("Oekraine") == ["oekraine"])
        #expect(TextNormalizer.tokens("Oekrai\u{308}ne") == ["oekraine"])  // decomposed input folds the same
        #expect(TextNormalizer.tokens("ĲSSELMEER Straße") == ["ijsselmeer", "strasse"])
        #expect(TextNormalizer.tokens("ﬁnale ＡＢＣ") == ["finale", "abc"])
        #expect(TextNormalizer.tokens("Beëindigt CAFÉ") == ["beeindigt", "cafe"])
    }

    @Test func splitsPunctuationAndKeepsNumbers() {
        #expect(TextNormalizer.tokens("Saoedi-Arabië: \"beperkte\" brand, 3,5 procent (12.000) F-16’s") ==
                ["saoedi", "arabie", "beperkte", "brand", "3.5", "procent", "12.000", "f", "16", "s"])
        #expect(TextNormalizer.tokens("end. 2024, then") == ["end", "2024", "then"])
        #expect(TextNormalizer.tokens("  Hello,   WORLD!  ") == ["hello", "world"])
        #expect(TextNormalizer.tokens("").isEmpty)
    }

    @Test func longTokensSpillPastTheScratchBuffer() {
        let long = String(repeating: "ab", count: 300)
        #expect(TextNormalizer.tokens("x \(long) y") == ["x", long, "y"])
    }

    @Test func languageGuess() {
        #expect(LanguageGuesser.guess("De Amerikaanse ambassade in de Saudische hoofdstad is geraakt door twee drones") == .nl)
        #expect(LanguageGuesser.guess("Fed official says weak data caused by weather, should not slow taper") == .en)
        #expect(LanguageGuesser.guess("Le gouvernement français annonce une réforme") == .other)
    }

    @Test func iso8601RoundTrip() {
        let d = ISO8601.parse("2026-11-24T09:30:00Z")!
        #expect(ISO8601.format(d) == "2026-11-24T09:30:00Z")
        #expect(ISO8601.parse("2026-11-24T10:30:00+01:00") == d)
        #expect(ISO8601.parse("2026-11-24") == ISO8601.parse("2026-11-24T00:00:00Z"))
        #expect(ISO8601.parse("2026-13-01") == nil && ISO8601.parse("yesterday") == nil)
        #expect(ISO8601.format(ISO8601.parse("1969-12-31T23:59:59Z")!) == "1969-12-31T23:59:59Z")
        #expect(CorpusReader().crawlTime(fileName: "world-20261104-0815.txt") == ISO8601.parse("2026-11-04T08:15:00Z"))
        #expect(CorpusReader().crawlTime(fileName: "page-20261399-0815.txt") == nil)
    }
}
