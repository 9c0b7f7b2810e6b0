import Foundation
import LinearAlgebra

/// What a full clustering leaves for nightly runs, so that they can place new briefs without refitting anything:
/// the TF-IDF model and SVD basis that map a text to its vector, and (in `StoryVector`) each story's sum of
/// clustering vectors, size and time sums.
///
/// Why this is enough: `AverageLinkage` scores two clusters only through their sum vectors, sizes and mean times
/// (s_A·s_B/(|A||B|) × time factor), so a stored story enters a night as one row carrying its sums, not as its
/// members. A night then costs the new briefs' projection and a search among the stories of their time window,
/// instead of re-embedding the window's briefs (≈ 11 s of a 18 s night at 1M stored briefs).
///
/// The price: a night works in the space of the last full fit. Terms that are new since then have no direction in
/// the basis; they are hashed into `unseenDimensions` extra columns with the idf of their frequency among the night's
/// briefs, so they tell new stories apart but carry no learned relation to other terms. Idf stays as fitted. `StoryConfig.modelGrowth` bounds how far
/// the corpus may grow past the fit before nights go back to refitting their window; `--rebuild` refits the model.
public struct StoryModel: Sendable {
    /// The TF-IDF model of the fit.
    public var tfidf: TfidfModel
    /// The V×d SVD basis of the fit (`RandomizedSVD.embedWithBasis`).
    public var basis: Matrix
    /// `StoryConfig.modelKey` of the settings it was fitted with; other settings cannot use it.
    public var settingsKey: String
    /// Canonical briefs the model was fitted on.
    public var fitted: Int
    /// Canonical briefs placed with it since the fit.
    public var folded: Int
    /// Columns of a story's vector beyond the basis' d: terms unseen at the fit, hashed (see `StoryClusterer.embed`).
    public static let unseenDimensions = 128
    /// Columns of the briefs' and stories' vectors: the basis' d plus `unseenDimensions`.
    public var dimensions: Int { basis.columns + Self.unseenDimensions }

    /// Creates a model.
    public init(tfidf: TfidfModel, basis: Matrix, settingsKey: String, fitted: Int, folded: Int = 0) {
        self.tfidf = tfidf
        self.basis = basis
        self.settingsKey = settingsKey
        self.fitted = fitted
        self.folded = folded
    }

    /// Whether a night may place `adding` more canonical briefs with a model fitted under `settingsKey` on `fitted`
    /// briefs that has `folded` placed since, under `config`.
    public static func admits(settingsKey: String, fitted: Int, folded: Int, adding: Int, config: StoryConfig) -> Bool {
        settingsKey == config.modelKey && Double(folded + adding) <= config.modelGrowth * Double(fitted)
    }
}

/// A story's share of a `StoryModel`: the sum of its canonical briefs' clustering vectors, their number and time sums.
public struct StoryVector: Hashable, Sendable {
    /// Sum of the members' clustering vectors (d floats).
    public var sum: [Float]
    /// Canonical briefs summed.
    public var size: Int
    /// Sum of the members' publication hours (since 1970).
    public var timeSum: Double
    /// Members with a publication time.
    public var timeCount: Double
    /// Earliest and latest member publication time (seconds since 1970), if any had one.
    public var first: Double?
    /// See `first`.
    public var last: Double?

    /// Creates a story vector.
    public init(sum: [Float], size: Int, timeSum: Double, timeCount: Double, first: Double?, last: Double?) {
        self.sum = sum
        self.size = size
        self.timeSum = timeSum
        self.timeCount = timeCount
        self.first = first
        self.last = last
    }

    /// An empty story of d dimensions.
    public static func empty(_ d: Int) -> StoryVector {
        StoryVector(sum: [Float](repeating: 0, count: d), size: 0, timeSum: 0, timeCount: 0, first: nil, last: nil)
    }

    /// Adds one member's vector (`row`) published at `seconds` (nil = unknown); a sum from the fit, which has no
    /// columns for unseen terms yet, is widened to the row's.
    public mutating func add(_ row: UnsafeBufferPointer<Float>, seconds: Double?) {
        if sum.count < row.count { sum += [Float](repeating: 0, count: row.count - sum.count) }
        for j in 0..<row.count { sum[j] += row[j] }
        size += 1
        if let seconds {
            timeSum += seconds / 3600
            timeCount += 1
            first = min(first ?? seconds, seconds)
            last = max(last ?? seconds, seconds)
        }
    }

    /// Adds another story's members (a story absorbed into this one).
    public mutating func absorb(_ other: StoryVector) {
        if sum.count < other.sum.count { sum += [Float](repeating: 0, count: other.sum.count - sum.count) }
        for j in 0..<min(sum.count, other.sum.count) { sum[j] += other.sum[j] }
        size += other.size
        timeSum += other.timeSum
        timeCount += other.timeCount
        if let f = other.first { first = min(first ?? f, f) }
        if let l = other.last { last = max(last ?? l, l) }
    }
}

extension StoryConfig {
    /// The settings a stored model depends on; a model fitted under another key is not used.
    public var modelKey: String {
        "v1 d=\(dimensions.map(String.init) ?? "auto") p=\(oversampling) q=\(powerIterations.map(String.init) ?? "auto") seed=\(seed) "
            + "bigrams=\(bigrams) names=\(nameBoost) dateline=\(datelineTerms) m=\(smoothing) L0=\(halfReliableTokens)"
            // Events store no model; the key still tells a latent model apart from these settings.
            + (method == .events ? " method=events" : "")
    }
}

extension StoryClusterer {
    /// Places new canonical briefs among stored stories through a stored model, as `attach` does among the
    /// stories' briefs: each story is one anchored row (its sum vector, size and time sums), the new briefs are
    /// projected with the model's TF-IDF and basis, their neighbours are searched among the stories' centroids and
    /// each other, and average linkage lets them join a story or form new ones. Returns the placement per brief
    /// (`.anchor(i)` = `stories[i]`, `.new(c)` = the cluster of new brief c) and the briefs' clustering vectors
    /// (rows of a `briefs.count`×d matrix), which the caller adds to the stories' sums.
    ///
    /// Smoothing mixes a brief with the (up to m) new briefs among its nearest rows only. A story's centroid cannot
    /// stand in for the member briefs a refit would have mixed in: centroids are nearer to everything than any member
    /// is, and mixing them in pulled briefs of stories that began tonight into old ones. Generated 100k briefs, the
    /// last 1% placed on a 99k state (B³ over the new briefs against the labels): as built P 0.916 R 0.871 (0.899 /
    /// 0.869 without the unseen-term columns); with centroids among the rows mixed in 0.681 / 0.803; centroids
    /// weighted by their members' mean cosine 0.811 / 0.857; re-embedding the window 0.951 / 0.926; a stateless run
    /// over all briefs 0.887 / 0.881.
    public func place(_ briefs: [Brief], among stories: [StoryVector], model: StoryModel,
                      timings: inout [(String, Double)]) -> (placement: [Placement], vectors: Matrix) {
        let q = briefs.count, s = stories.count, d = model.dimensions
        guard q > 0 else { return ([], Matrix(rows: 0, columns: d)) }
        var clock = Date()
        let (x, unseen) = model.tfidf.transformKeepingUnseen(briefs.map { Self.matchingText($0, dateline: config.datelineTerms) })
        let z = Self.embed(x, unseen: unseen, basis: model.basis)
        let distinct = (0..<q).map { x.nonZeros($0) + unseen[$0].count }
        timings.append(("vectorise", Date().timeIntervalSince(clock)))
        guard d > 0 else { return ((0..<q).map { .new($0) }, z) }

        clock = Date()
        /// The stories' sums (a sum from the fit lacks the unseen-term columns: zeros), then `briefRows`' rows.
        func afterStories(_ briefRows: Matrix) -> Matrix {
            var out = Matrix(rows: s + q, columns: d)
            for (i, story) in stories.enumerated() { for j in 0..<min(d, story.sum.count) { out.values[i * d + j] = story.sum[j] } }
            out.values.replaceSubrange((s * d)..<((s + q) * d), with: briefRows.values)
            return out
        }
        // Search rows: the stories' centroid directions, then the new briefs.
        var search = afterStories(z)
        search.normalizeRows()
        var maxScale = distinct.map(config.inverseReliability).max() ?? 1
        for story in stories where story.size > 0 {
            var norm: Float = 0
            for x in story.sum { norm += x * x }
            let member = norm.squareRoot() / Float(story.size)
            maxScale = max(maxScale, member * member)
        }
        let times: [Double]? = {
            var out: [Double] = []
            for story in stories {
                guard story.timeCount > 0 else { return nil }
                out.append(3600 * story.timeSum / story.timeCount)
            }
            for b in briefs {
                guard let t = b.published else { return nil }
                out.append(t.timeIntervalSince1970)
            }
            return out
        }()
        let graph = placementNeighbours(search, stories: s, times: times, maxScale: maxScale)
        timings.append(("neighbours", Date().timeIntervalSince(clock)))

        clock = Date()
        // The new briefs' clustering vectors: smoothed with their m nearest rows, normalised, length-corrected.
        var vectors = Matrix(rows: q, columns: d)
        let smoothing = min(config.smoothing, graph.k)
        vectors.values.withUnsafeMutableBufferPointer { out in
            search.values.withUnsafeBufferPointer { sv in
                for k in 0..<q {
                    let row = out.baseAddress! + k * d
                    for c in 0..<d { row[c] = sv[(s + k) * d + c] }
                    var mixed = 0
                    for r in 0..<graph.k where mixed < smoothing {
                        guard let (j, sim) = graph.neighbour(s + k, r), sim > 0 else { break }
                        guard j >= s else { continue }
                        for c in 0..<d { row[c] += sim * sv[j * d + c] }
                        mixed += 1
                    }
                }
            }
        }
        vectors.normalizeRows()
        for k in 0..<q {
            let factor = config.vectorScale(distinct[k])
            for c in 0..<d { vectors.values[k * d + c] *= factor }
        }
        // Linkage rows: the stories' sums (anchored, weighted by their members), then the new briefs.
        let rows = afterStories(vectors)
        let weights = AverageLinkage.RowWeights(
            size: stories.map { Int32($0.size) } + [Int32](repeating: 1, count: q),
            timeSum: stories.map(\.timeSum) + briefs.map { ($0.published?.timeIntervalSince1970 ?? 0) / 3600 },
            timeCount: stories.map(\.timeCount) + briefs.map { $0.published == nil ? 0 : 1 })
        var linkage = AverageLinkage(threshold: config.threshold, timeWindowHours: config.timeWindowHours, timeDecayHours: config.timeDecayHours)
        linkage.maxLinks = config.maxLinks
        let candidates = graph.prefix(config.neighbours)
        let labels = linkage.clusterWithSums(consume rows, graph: candidates, hours: [Double?](repeating: nil, count: s + q),
                                             initial: (0..<(s + q)).map { $0 < s ? $0 : -1 }, weights: weights).labels
        timings.append(("cluster", Date().timeIntervalSince(clock)))
        // Anchored clusters never merge, so a cluster holding a story has that story's row as its root.
        let placement = (0..<q).map { k -> Placement in labels[s + k] < s ? .anchor(labels[s + k]) : .new(labels[s + k] - s) }
        return (placement, vectors)
    }

    /// The new briefs' rows in the model's space: the known terms through the basis (d columns), then the unseen
    /// terms hashed with random signs into `StoryModel.unseenDimensions` more, scaled by the share of a known part the
    /// basis keeps on average (so a new term counts as much as a known one that survives projection), normalised.
    static func embed(_ x: SparseRows, unseen: [[(hash: UInt64, weight: Float)]], basis: Matrix) -> Matrix {
        let q = x.rowCount, d = basis.columns, e = StoryModel.unseenDimensions, width = d + e
        let known = RandomizedSVD.times(x, basis)
        var kept: Float = 0, rowsWithKnown = 0
        for i in 0..<q where x.nonZeros(i) > 0 {
            var projected: Float = 0, norm: Float = 0
            for c in 0..<d { projected += known.values[i * d + c] * known.values[i * d + c] }
            for k in x.rowStart[i]..<x.rowStart[i + 1] { norm += x.values[k] * x.values[k] }
            if norm > 0 { kept += (projected / norm).squareRoot(); rowsWithKnown += 1 }
        }
        let share = rowsWithKnown > 0 ? kept / Float(rowsWithKnown) : 1
        var z = Matrix(rows: q, columns: width)
        for i in 0..<q {
            for c in 0..<d { z.values[i * width + c] = known.values[i * d + c] }
            for (h, w) in unseen[i] {
                let mixed = Hashing.mix(h ^ 0x5EE1)
                z.values[i * width + d + Int(mixed % UInt64(e))] += (mixed >> 63 == 0 ? share : -share) * w
            }
        }
        z.normalizeRows()
        return z
    }

    /// Neighbours of the new briefs (rows `s...` of `search`) among all rows. With times, rows are sorted by time,
    /// stories first and new briefs after them, and each block of new briefs is compared with the stories and with
    /// the new briefs within the search window: two banded searches, merged. One search over all rows in time order
    /// found every block holding a new brief and paid for the stories' own neighbours (1.2 s of a 6 s night at 1M).
    func placementNeighbours(_ search: Matrix, stories s: Int, times: [Double]?, maxScale: Float) -> NeighbourGraph {
        let n = search.rows
        let flags = (0..<n).map { $0 >= s }
        guard let times, !config.usesApproximateSearch(for: n) else {
            return neighbourGraph(search, times: times, maxScale: maxScale, queries: flags)
        }
        let delta = searchWindow(maxScale: maxScale)
        let byTime = { (a: Int, b: Int) in times[a] != times[b] ? times[a] < times[b] : a < b }
        let order = (0..<s).sorted(by: byTime) + (s..<n).sorted(by: byTime)
        let sortedTimes = order.map { times[$0] }
        let sorted = search.gathering(order)
        let storyTimes = Array(sortedTimes[0..<s]), briefTimes = Array(sortedTimes[s...])
        // A block may straddle the last stories and the first new briefs; only its new briefs' lists are used.
        func band(_ values: [Double], from offset: Int) -> (Int, Int) -> Range<Int> {
            { r0, r1 in
                let lo = sortedTimes[max(r0, s)] - delta, hi = sortedTimes[r1 - 1] + delta + 0.001
                return (offset + NearestNeighbours.lowerBound(values, lo))..<(offset + NearestNeighbours.lowerBound(values, hi))
            }
        }
        let k = max(config.neighbours, config.smoothing)
        let amongStories = NearestNeighbours.search(sorted, k: k, columns: band(storyTimes, from: 0), queries: flags)
        let amongBriefs = NearestNeighbours.search(sorted, k: k, columns: band(briefTimes, from: s), queries: flags)
        // Both lists are ordered by similarity, then index; merged, and taken back to input order.
        let kk = amongStories.k
        var indices = [Int32](repeating: -1, count: n * kk)
        var sims = [Float](repeating: -.infinity, count: n * kk)
        for r in s..<n {
            let i = order[r]
            var a = 0, b = 0
            for slot in 0..<kk {
                let sa = a < kk ? amongStories.similarities[r * kk + a] : -.infinity
                let sb = b < kk ? amongBriefs.similarities[r * kk + b] : -.infinity
                let ja = a < kk ? amongStories.indices[r * kk + a] : -1, jb = b < kk ? amongBriefs.indices[r * kk + b] : -1
                let takeA = jb < 0 || (ja >= 0 && (sa > sb || (sa == sb && ja < jb)))
                let j = takeA ? ja : jb
                guard j >= 0 else { break }
                indices[i * kk + slot] = Int32(order[Int(j)])
                sims[i * kk + slot] = takeA ? sa : sb
                if takeA { a += 1 } else { b += 1 }
            }
        }
        return NeighbourGraph(k: kk, indices: indices, similarities: sims)
    }
}
