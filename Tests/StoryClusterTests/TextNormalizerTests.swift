import Testing
@testable import StoryCluster

@Suite struct TextNormalizerTests {
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
        #expect(TextNormalizer.normalized("  Hello,   WORLD!  ") == "hello world")
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
