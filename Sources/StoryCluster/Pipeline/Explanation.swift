import Foundation

/// Why two briefs are or are not duplicates, and are or are not in the same story: every stage's evidence and
/// the decision it took against its threshold.
public struct Explanation: Sendable {
    /// Exact Jaccard of the two shingle sets (boilerplate stripped).
    public var jaccard: Double
    /// MinHash estimate of the same.
    public var estimatedJaccard: Double
    /// A few shared shingles, as text.
    public var sharedShingles: [String]
    /// Shingle counts of the two briefs.
    public var shingleCounts: (Int, Int)
    /// Indices of the LSH bands whose keys collided.
    public var collidingBands: [Int]
    /// The banding in use.
    public var lsh: LSHParams
    /// Whether the run put both in one duplicate group, and the canonical ids.
    public var sameDuplicateGroup: Bool
    /// Canonical brief of each.
    public var canonicals: (String, String)
    /// TF-IDF cosine (model fitted on canonical briefs).
    public var cosine: Double
    /// Shared terms with the largest weight products.
    public var sharedTerms: [(String, Double)]
    /// Length reliability factor 1/√(r_i·r_j) the story stage multiplies similarities by.
    public var lengthFactor: Double
    /// Hours between the two publication times, when both are known.
    public var hoursApart: Double?
    /// Whether the run put both in one story, and the story ids.
    public var sameStory: Bool
    /// Story of each.
    public var stories: (String, String)
    /// Thread of each (their stories' threads).
    public var threads: (String, String)
    /// Cosine of the two stories' centroids (what the thread step compares), 1 within one story.
    public var eventCosine: Double
    /// Hours between the two stories' mean publication times, when known.
    public var eventHoursApart: Double?
    /// How the second brief relates to the first as a duplicate (copy or update, and what changed).
    public var link: DuplicateLink? = nil
    /// Whether the version veto keeps the two apart (both name versions, not the same ones).
    public var versionVetoed = false

    /// Explains briefs `i` and `j` of a finished run.
    public static func explain(_ report: RunReport, _ i: Int, _ j: Int, pipeline: Pipeline) -> Explanation {
        let briefs = report.corpus.briefs
        let config = pipeline.settings.dedup
        let texts = [briefs[i].text, briefs[j].text]
        let dedup = pipeline.deduplicator
        let batch = dedup.sketch(texts)
        let a = Array(batch.shingleSet(0)), b = Array(batch.shingleSet(1))
        let sigA = Array(batch.signature(0)), sigB = Array(batch.signature(1))
        let lsh = config.effectiveLSH
        var keysA = [UInt64](repeating: 0, count: lsh.bands), keysB = keysA
        sigA.withUnsafeBufferPointer { s in keysA.withUnsafeMutableBufferPointer { lsh.bandKeys(s.baseAddress!, into: $0.baseAddress!) } }
        sigB.withUnsafeBufferPointer { s in keysB.withUnsafeMutableBufferPointer { lsh.bandKeys(s.baseAddress!, into: $0.baseAddress!) } }
        let colliding = (0..<lsh.bands).filter { keysA[$0] == keysB[$0] }

        // Readable shared shingles: rebuild the word n-grams as text.
        func grams(_ text: String) -> [String] {
            let tokens = TextNormalizer.tokens(String(Boilerplate.strip(text)))
            let n = config.shingles.size
            guard config.shingles.kind == .word, tokens.count >= n else { return [] }
            return (0...(tokens.count - n)).map { tokens[$0..<($0 + n)].joined(separator: " ") }
        }
        let gramsB = Set(grams(texts[1]))
        var shared: [String] = []
        for g in grams(texts[0]) where gramsB.contains(g) && !shared.contains(g) { shared.append(g); if shared.count == 5 { break } }

        // TF-IDF as the story stage sees it.
        // Vectorised as the story stage does: the method's text (title weight) and TF-IDF settings (boosts).
        let clusterer = pipeline.clusterer
        let canonical = report.dedup.canonicalIndices.map { clusterer.clusteringText(briefs[$0]) }
        let (model, _) = TfidfModel.fit(canonical.isEmpty ? texts : canonical, config: pipeline.settings.stories.tfidfConfig)
        let rows = model.transform([clusterer.clusteringText(briefs[i]), clusterer.clusteringText(briefs[j])])
        var wa: [Int32: Float] = [:]
        for k in rows.rowStart[0]..<rows.rowStart[1] { wa[rows.columns[k]] = rows.values[k] }
        var cosine = 0.0
        var terms: [(String, Double)] = []
        for k in rows.rowStart[1]..<rows.rowStart[2] {
            if let x = wa[rows.columns[k]] {
                let p = Double(x * rows.values[k])
                cosine += p
                terms.append((model.terms[Int(rows.columns[k])], p))
            }
        }
        terms.sort { $0.1 > $1.1 }
        let l0 = Double(report.settings.stories.halfReliableTokens)
        let li = Double(max(1, rows.nonZeros(0))), lj = Double(max(1, rows.nonZeros(1)))
        let factor = 1 / ((li / (li + l0)) * (lj / (lj + l0))).squareRoot()
        let hours = briefs[i].published.flatMap { p in briefs[j].published.map { abs(p.timeIntervalSince($0)) / 3600 } }
        let storyI = report.stories.stories[report.stories.storyOf[i]], storyJ = report.stories.stories[report.stories.storyOf[j]]
        let si = storyI.id, sj = storyJ.id
        // The two events as the thread step sees them: centroids of their canonical briefs' rows, at their mean times.
        func centroid(_ s: Story) -> (vector: [Int32: Float], hours: Double?) {
            let r = model.transform(s.canonicalBriefs.map { clusterer.clusteringText(briefs[$0]) })
            var v: [Int32: Float] = [:]
            for k in r.columns.indices { v[r.columns[k], default: 0] += r.values[k] }
            let norm = v.values.map { $0 * $0 }.reduce(0, +).squareRoot()
            if norm > 0 { for k in v.keys { v[k]! /= norm } }
            let times = s.canonicalBriefs.compactMap { briefs[$0].published?.timeIntervalSince1970 }
            return (v, times.count == s.canonicalBriefs.count && !times.isEmpty ? times.reduce(0, +) / Double(times.count) / 3600 : nil)
        }
        let (ci, cj) = (centroid(storyI), centroid(storyJ))
        let eventCosine = si == sj ? 1 : Double(ci.vector.reduce(Float(0)) { $0 + $1.value * (cj.vector[$1.key] ?? 0) })
        let eventHours = ci.hours.flatMap { a in cj.hours.map { abs(a - $0) } }
        return Explanation(
            jaccard: StoryCluster.jaccard(a, b), estimatedJaccard: MinHasher.estimate(sigA, sigB), sharedShingles: shared,
            shingleCounts: (a.count, b.count), collidingBands: colliding, lsh: lsh,
            sameDuplicateGroup: report.dedup.canonicalOf[i] == report.dedup.canonicalOf[j],
            canonicals: (briefs[report.dedup.canonicalOf[i]].id, briefs[report.dedup.canonicalOf[j]].id),
            cosine: cosine, sharedTerms: Array(terms.prefix(8)), lengthFactor: factor, hoursApart: hours,
            sameStory: si == sj, stories: (si, sj), threads: (storyI.thread, storyJ.thread), eventCosine: eventCosine,
            eventHoursApart: eventHours,
            link: DuplicateLinks.link(briefs[j], to: briefs[i], similarity: StoryCluster.jaccard(a, b)),
            versionVetoed: pipeline.deduplicator.vetoes(Deduplicator.versionKey(briefs[i].text), Deduplicator.versionKey(briefs[j].text)))
    }
}
