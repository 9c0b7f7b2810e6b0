import Foundation
import Testing
@testable import StoryCluster

@Suite struct PageParserTests {
    @Test func seedPageGivesEightBriefs() throws {
        let corpus = try CorpusReader().read(Fixtures.seedPage.path)
        let b = corpus.briefs
        #expect(corpus.skipped.isEmpty)
        #expect(b.map(\.id) == (1...8).map { "anp-buitenland-20261124-0930.txt#\($0)" })
        #expect(b.map { $0.dateline ?? "-" } == ["BEIJING", "TAMPA", "RIYAD", "KABUL", "NEW YORK", "WASHINGTON", "WASHINGTON", "BEIROET"])
        #expect(b.map(\.ageMinutes) == [nil, 31, 33, 36, 180, 240, 240, 300])
        #expect(b.map(\.agencies) == [["ANP", "RTR"], ["ANP", "AFP"], ["ANP", "AFP", "RTR"], ["ANP", "AFP"], ["ANP", "DPA"],
                                      ["ANP", "RTR", "AFP"], ["ANP", "AFP", "RTR"], ["ANP", "AFP", "RTR"]])
        #expect(b[0].title == "Xi belooft sterkere banden met Belarus tijdens bezoek Loekasjenko")
        #expect(b.dropFirst().allSatisfy { $0.title == nil })
        #expect(b[0].text.hasPrefix("China wil de banden met Belarus aanhalen"))
        #expect(b[0].text.hasSuffix("werkt ook veel samen met het Kremlin."))
        #expect(b[2].text.hasPrefix("De Amerikaanse ambassade in de Saudische hoofdstad Riyad"))
        #expect(b[7].text.hasSuffix("in Beiroet het doelwit."))
        for brief in b {
            #expect(!brief.text.contains("geleden"), "time marker left in \(brief.id)")
            #expect(!brief.text.contains("Meer uit Buitenland"), "section line left in \(brief.id)")
            #expect(!brief.text.contains("(ANP"), "dateline left in \(brief.id)")
            #expect(brief.lang == .nl)
        }
        // Crawl time comes from the file name stamp; published = crawl time − age.
        #expect(b[0].published == ISO8601.parse("2026-11-24T09:30:00Z"))
        #expect(b[1].published == ISO8601.parse("2026-11-24T08:59:00Z"))
        #expect(b[7].published == ISO8601.parse("2026-11-24T04:30:00Z"))
    }

    @Test func englishMarkersDatesAndDashes() {
        let page = """
        Markets slide as rates bite
        LONDON (Reuters) – Shares fell on Monday as investors weighed higher rates.
        More from Business
        WASHINGTON, June 17 (Reuters) - The Federal Reserve held rates steady.
        5 minutes agoST. LOUIS (AP) — A bank said profits rose 12.5 percent.
        1 hour agoSAN JOSÉ (AFP/AP) - Growth slowed.
        yesterdayNEW YORK (Bloomberg) - Oil rose.
        2 days ago
        """
        let (briefs, _) = PageParser.parse(page)
        #expect(briefs.map { $0.dateline ?? "-" } == ["LONDON", "WASHINGTON, June 17", "ST. LOUIS", "SAN JOSÉ", "NEW YORK"])
        #expect(briefs.map(\.ageMinutes) == [nil, 5, 60, 1440, 2880])
        #expect(briefs[0].title == "Markets slide as rates bite")
        #expect(briefs[2].agencies == ["AP"])
        #expect(briefs[3].agencies == ["AFP", "AP"])
        #expect(briefs[1].text == "The Federal Reserve held rates steady.")
        #expect(briefs.allSatisfy { !$0.text.contains("ago") && !$0.text.contains("More from") })
    }

    @Test func datelineInsideSentenceIsText() {
        let page = """
        PARIS (AFP) - Officials said that BERLIN (DPA) - style reporting differs. 3 hours ago is when it began.
        10 minuten geleden
        """
        let (briefs, _) = PageParser.parse(page)
        #expect(briefs.count == 1)
        #expect(briefs[0].text == "Officials said that BERLIN (DPA) - style reporting differs. 3 hours ago is when it began.")
        #expect(briefs[0].ageMinutes == 10)
    }

    @Test func dutchMarkersIncludingYesterday() {
        let page = "AMSTERDAM (ANP) - Eerste.\n1 uur geledenDEN HAAG (ANP) - Tweede.\ngisterenUTRECHT (ANP) - Derde.\n2 dagen geleden"
        let (briefs, _) = PageParser.parse(page)
        #expect(briefs.map(\.ageMinutes) == [60, 1440, 2880])
        #expect(briefs.map(\.text) == ["Eerste.", "Tweede.", "Derde."])
        #expect(briefs[1].dateline == "DEN HAAG")
    }

    @Test func pageWithoutDatelineIsOneBrief() {
        let (briefs, _) = PageParser.parse("Storm hits coast\nA storm hit the coast on Sunday.\nThousands lost power.")
        #expect(briefs.count == 1)
        #expect(briefs[0].title == "Storm hits coast")
        #expect(briefs[0].text == "A storm hit the coast on Sunday.\nThousands lost power.")
        #expect(briefs[0].dateline == nil)
        let (single, _) = PageParser.parse("Just one sentence of text.")
        #expect(single.count == 1 && single[0].title == nil)
    }

    @Test func lowercaseOrLongRunsAreNotDatelines() {
        #expect(WireMarkers.matchDateline(Array("Paris (AFP) - x".unicodeScalars), at: 0) == nil)
        #expect(WireMarkers.matchDateline(Array("PARIS AFP - x".unicodeScalars), at: 0) == nil)
        #expect(WireMarkers.matchDateline(Array("PARIS (AFP) x".unicodeScalars), at: 0) == nil)
        #expect(WireMarkers.matchDateline(Array("'S-HERTOGENBOSCH (ANP) - x".unicodeScalars), at: 0) == nil)  // must open with a letter
        #expect(WireMarkers.matchDateline(Array("S-HERTOGENBOSCH (ANP) - x".unicodeScalars), at: 0)?.place == "S-HERTOGENBOSCH")
    }
}
