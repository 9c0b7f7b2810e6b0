import Testing
@testable import StoryCluster

@Suite struct MetricsTests {
    @Test func handWorkedExample() {
        // Gold {a,b,c}{d,e}; predicted {a,b}{c,d,e}.
        let s = ClusteringMetrics.score(predicted: [1, 1, 2, 2, 2], gold: ["x", "x", "x", "y", "y"])
        // B-cubed precision: a,b: 1; c: 1/3; d,e: 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15.
        #expect(abs(s.bcubed.precision - 11.0 / 15) < 1e-12)
        // B-cubed recall: a,b: 2/3; c: 1/3; d,e: 1 → (2/3+2/3+1/3+1+1)/5 = 11/15.
        #expect(abs(s.bcubed.recall - 11.0 / 15) < 1e-12)
        // Pairs: predicted {ab, cd, ce, de} = 4, gold {ab, ac, bc, de} = 4, together {ab, de} = 2.
        #expect(s.pairwise.precision == 0.5 && s.pairwise.recall == 0.5)
        // ARI by hand: (2 − 4·4/10) / ((4 + 4)/2 − 4·4/10) = 0.4 / 2.4 = 1/6.
        #expect(abs(s.ari - 1.0 / 6) < 1e-12)
        // Pinned from scikit-learn 1.9.1, computed once: adjusted_rand_score([0,0,0,1,1], [1,1,2,2,2]) =
        // 0.16666666666666666, normalized_mutual_info_score(...) = 0.43253806776631243.
        #expect(abs(s.ari - 0.16666666666666666) < 1e-12)
        #expect(abs(s.nmi - 0.43253806776631243) < 1e-12)
        #expect(s.predictedClusters == 2 && s.goldClusters == 2)
    }

    @Test func perfectAndDegenerate() {
        let s = ClusteringMetrics.score(predicted: ["p", "p", "q"], gold: [7, 7, 9])
        #expect(s.bcubed.f1 == 1 && s.pairwise.f1 == 1 && abs(s.ari - 1) < 1e-12 && abs(s.nmi - 1) < 1e-12)
        let singletons = ClusteringMetrics.score(predicted: [1, 2, 3, 4], gold: [1, 1, 2, 2])
        #expect(singletons.bcubed.precision == 1 && singletons.bcubed.recall == 0.5)
        #expect(singletons.pairwise.precision == 1 && singletons.pairwise.recall == 0)
    }
}

@Suite struct ReportTests {
    @Test func csvQuoting() {
        #expect(CSV.quote("plain") == "plain")
        #expect(CSV.quote("a,b") == "\"a,b\"")
        #expect(CSV.quote("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.quote("=SUM(A1)") == "'=SUM(A1)")
    }

    @Test func worstErrorsNameTheMixedClusters() {
        let e = ClusteringMetrics.worstErrors(predicted: ["p", "p", "p", "q"], gold: ["a", "a", "b", "b"], limit: 5)
        #expect(e.merges.count == 1 && e.merges[0].cluster == "p" && e.merges[0].parts.map(\.0) == ["a", "b"])
        #expect(e.splits.count == 1 && e.splits[0].cluster == "b")
    }

    @Test func htmlEmbedsTheRunSafely() throws {
        let hostile = Brief(id: "x", source: "s", title: "</script><script>alert(1)</script>", text: "<!--<script> text")
        let corpus = Corpus(briefs: [hostile, Brief(id: "y", source: "s", text: "other brief entirely")], filesRead: 1)
        let report = try Pipeline(settings: RunSettings()).run(corpusPath: "c", corpus: corpus, readSeconds: 0)
        let html = report.html()
        #expect(!html.contains("/*STORYCLUSTER_DATA*/"))
        #expect(!html.contains("</script><script>alert"))
        #expect(!html.contains("<!--<script>"))
        #expect(html.contains("\\u003c/script>"))
        // Nothing is fetched: no external script, stylesheet, image or import, and a CSP that forbids them anyway.
        #expect(Self.networkLoads(html).isEmpty, "\(Self.networkLoads(html))")
        #expect(html.contains("default-src 'none'"))
        // The check itself catches a page that loads something (the old one passed whatever the page held).
        #expect(!Self.networkLoads(html.replacingOccurrences(of: "</body>", with: "<script src=\"https://x.test/a.js\"></script></body>")).isEmpty)
        #expect(!Self.networkLoads("<img src='http://x.test/p.png'>").isEmpty)
    }

    /// The markup in `html` that would make a browser fetch something.
    static func networkLoads(_ html: String) -> [String] {
        let lower = html.lowercased()
        return ["<script src", "<link", "src=\"http", "src='http", "href=\"http", "href='http", "@import", "url(http", "url(//"]
            .filter { lower.contains($0) }
    }
}
