import Foundation
import LinearAlgebra

/// Settings for story clustering; the defaults need no per-corpus tuning (see `StoryClusterer`).
public struct StoryConfig: Hashable, Sendable {
    /// How stories are found.
    public enum Method: String, Hashable, Sendable, CaseIterable {
        /// Events: weighted TF-IDF, plain cosine within a time window, average linkage (`EventLinkage`). The default:
        /// right on a real news stream, where most items stand alone.
        case events
        /// The 0.1.0 method: SVD, neighbour smoothing and a length correction before average linkage. Groups short
        /// headlines of a broad story better (UCI), but joins unrelated short items of a real stream.
        case latent
    }

    /// How stories are found.
    public var method = Method.events
    /// Events: merge while the average cosine between two events is at least this.
    public var eventThreshold: Float = 0.175
    /// Events: briefs further apart than this many hours are never linked.
    public var eventWindowHours: Double = 36
    /// Events: cosines below this are not kept as edges.
    public var edgeFloor: Float = 0.08
    /// Events: distinct terms two briefs must share for an edge.
    public var minSharedTerms = 2
    /// Events: distinct terms two briefs of 20 or more distinct terms each must share for an edge.
    public var minSharedTermsLong = 3
    /// Events: edges each brief keeps to earlier briefs of its window, the strongest (0 = all).
    public var eventEdgesPerBrief = 100
    /// Events: a term in more than this many earlier briefs of a brief's window proposes no candidates (0 = no limit).
    public var commonTermBriefs = 500
    /// Threads: group events into running stories.
    public var threads = true
    /// Threads: merge while the average cosine over event pairs within the window is at least this.
    public var threadThreshold: Float = 0.2
    /// Threads: events further apart than this many hours are not linked directly.
    public var threadWindowHours: Double = 504
    /// Threads: event-centroid cosines below this are not edges.
    public var threadEdgeFloor: Float = 0.1
    /// Threads: terms two events must share for an edge.
    public var threadMinSharedTerms = 2
    /// Threads: a term in more earlier events of the window proposes no candidates (0 = no limit).
    public var threadCommonTermEvents = 50
    /// Events: extra counts of each title word (the title is the densest statement of the event).
    public var titleWeight = 1
    /// Events: extra counts per word written with a capital (names).
    public var capitalBoost = 1
    /// Events: extra counts per number.
    public var numberBoost = 1
    /// SVD dimensions d; nil chooses them from the corpus size (see `dimensions(for:)`).
    public var dimensions: Int?
    /// SVD oversampling p.
    public var oversampling = 10
    /// SVD power iterations q; nil chooses them from the corpus size (see `powerIterations(for:)`).
    public var powerIterations: Int?
    /// SVD seed.
    public var seed: UInt64 = 42
    /// Candidate neighbours per brief k.
    public var neighbours = 30
    /// Word pairs as extra TF-IDF terms (off by default: no measured gain; see `TfidfConfig.bigrams`).
    public var bigrams = false
    /// Extra weight for names written with a capital mid-sentence (0 = off; see `TfidfConfig.nameBoost`).
    public var nameBoost: Float = 0
    /// Add the dateline's place to the text clustered (off by default; measured in the cluster README).
    public var datelineTerms = false
    /// Canonical briefs above which the neighbour search is approximate (`PartitionedNeighbours`); at or below
    /// it the search is exact. 0 = approximate whenever there are enough briefs for its lists (see
    /// `usesApproximateSearch(for:)`), Int.max = always exact.
    ///
    /// Generated 100k briefs (92k canonical): exact 12.8 s, B³ F1 0.902; approximate 3.2 s, 0.884 (0.888 with the refinement round). The exact search
    /// grows with the square of the briefs per time window, so past ~50k it dominates the run.
    public var approximateAbove = 50_000
    /// Candidate links a story keeps while it grows (see `AverageLinkage.maxLinks`).
    public var maxLinks = 128
    /// Nearest neighbours mixed into each vector (m).
    public var smoothing = 3
    /// Distinct content tokens at which a text counts as half reliable (L0).
    public var halfReliableTokens: Float = 50
    /// Merge while the length-corrected average similarity is at least this (T).
    public var threshold: Float = 1.1
    /// Hours within which publication times do not matter (W).
    public var timeWindowHours: Double = 48
    /// e-folding time in hours of the penalty beyond the window (τ).
    public var timeDecayHours: Double = 48
    /// How far a nightly run may grow the corpus past the stored model's fit, as a fraction of the canonical briefs
    /// it was fitted on, before nights refit their time window instead (see `StoryModel`). 0 = never use the model.
    public var modelGrowth = 0.25
    /// The defaults.
    public init() {}

    /// The TF-IDF settings these story settings fit with.
    public var tfidfConfig: TfidfConfig {
        var tfidf = TfidfConfig()
        tfidf.bigrams = bigrams
        tfidf.nameBoost = nameBoost
        if method == .events {
            tfidf.capitalBoost = capitalBoost
            tfidf.numberBoost = numberBoost
        }
        return tfidf
    }

    /// 1/r = (L + L0)/L for a text of L distinct content tokens (at least 1): the length correction its vector's
    /// similarities get (see `StoryClusterer`), and what bounds the search window.
    func inverseReliability(_ distinctTokens: Int) -> Float {
        let l = Float(max(1, distinctTokens))
        return (l + halfReliableTokens) / l
    }

    /// The factor a clustering vector is scaled by, 1/√r, for a text of L distinct content tokens.
    func vectorScale(_ distinctTokens: Int) -> Float {
        let l = Float(max(1, distinctTokens))
        return 1 / (l / (l + halfReliableTokens)).squareRoot()
    }

    /// How far around new briefs a nightly run loads stored canonical briefs to place them among: ±(W + 4τ) hours.
    public var attachWindowSeconds: Double {
        method == .events ? 3600 * eventWindowHours : 3600 * (timeWindowHours + 4 * timeDecayHours)
    }

    /// Whether n canonical briefs get the approximate neighbour search.
    public func usesApproximateSearch(for n: Int) -> Bool { n > approximateAbove && PartitionedNeighbours().applies(to: n) }

    /// SVD power iterations for n canonical briefs: q = round(3·(200 − d)/100) clamped to 0…3 with d from
    /// `dimensions(for:)`, i.e. 3 up to 2,500 briefs (d = 100), none from 10,000 (d ≥ 200), unless set.
    ///
    /// Power iterations turn the basis towards the leading singular directions, the broad topics. With fewer
    /// stories than dimensions that denoises (B³ F1 at q = 3 / 4 / 0: ECB+ 0.949 / 0.949 / 0.895, UCI headlines
    /// 0.831 / 0.809 / 0.787). Once concurrent stories outnumber the dimensions it discards the rare-term directions
    /// that tell stories apart and a plain random range finder keeps them (generated corpora, q = 0 / 3: 10k 0.928 /
    /// 0.856, 100k exact search 0.902 / 0.758). The large-corpus side is measured on generated text only.
    public func powerIterations(for n: Int) -> Int {
        if let powerIterations { return powerIterations }
        let d = dimensions(for: n)
        return min(3, max(0, Int((3 * Double(200 - d) / 100).rounded())))
    }

    /// SVD dimensions for n canonical briefs: d = clamp(100·√(n/2500), 100, 400) unless set.
    ///
    /// The number of concurrent stories grows with the corpus and 100 dimensions cannot keep thousands apart:
    /// on a generated 20k-brief corpus (3,446 stories) B-cubed F1 is 0.585 at d = 100 and 0.805 at d = 300; on
    /// 100k briefs (15,882 stories) 0.468 at d = 100 and 0.751 at d = 400 (both with 4 power iterations). On the small labelled sets larger d
    /// hurts (ECB+ 0.949 → 0.891 at d = 200), so small corpora keep 100. The cap bounds SVD and kNN cost.
    public func dimensions(for n: Int) -> Int {
        if let dimensions { return dimensions }
        return min(400, max(100, Int((100 * (Double(n) / 2500).squareRoot()).rounded())))
    }
}

/// A story: related briefs over time, duplicates included.
public struct Story: Hashable, Sendable {
    /// Stable id derived from the story's earliest canonical brief (unchanged when unrelated briefs arrive).
    public var id: String
    /// Top terms of the story.
    public var label: String
    /// Index of the brief most central to the story.
    public var representative: Int
    /// Indices of all briefs (canonical and duplicates), earliest first.
    public var briefs: [Int]
    /// Indices of the canonical briefs only.
    public var canonicalBriefs: [Int]
    /// Earliest publication time among the briefs.
    public var firstPublished: Date?
    /// Latest publication time among the briefs.
    public var lastPublished: Date?
    /// Agencies seen in the story's datelines, most frequent first.
    public var agencies: [String]
    /// Dateline places, most frequent first.
    public var datelines: [String]
    /// Outlets of the briefs (a JSON Lines corpus's `source`: the publishing site), most frequent first.
    public var outlets: [String] = []
    /// With a state: the story this one split off from in this run, if any.
    public var splitFrom: String? = nil
    /// Its share of the run's `StoryModel` (after a full clustering), which a state stores for nightly runs.
    public var vector: StoryVector? = nil
    /// Id of the thread it belongs to ("" before threads are found).
    public var thread = ""
}

/// Stories found in a corpus, with per-stage timings.
public struct StoryResult: Sendable {
    /// Stories, most recent activity first.
    public var stories: [Story]
    /// For every brief, the index of its story in `stories`.
    public var storyOf: [Int]
    /// Seconds per stage: vectorise, svd, neighbours, cluster.
    public var timings: [(String, Double)]
    /// The model a full clustering fitted (nil when stories were placed among stored ones).
    public var model: StoryModel? = nil
    /// Threads (running stories), most recent activity first; every story is in exactly one.
    public var threads: [StoryThread] = []
}

/// Groups canonical briefs into stories and attaches their duplicates.
///
/// Method (measured on ECB+ articles and UCI headlines with one setting; notes in `Cluster/README.md`):
/// TF-IDF fitted on canonical briefs → randomized SVD (d and power iterations from the corpus size) → top-k
/// neighbours by tiled sgemm (exact, or an inverted-file search above `approximateAbove`) →
/// each vector mixed with its m nearest neighbours → length reliability: v = u/√r with r = L/(L + L0), L the
/// distinct content tokens, which undoes the attenuation of cosine between short texts (headlines of one story
/// share few words) → average linkage over the kNN graph with exact averages, merging while ≥ T.
public struct StoryClusterer: Sendable {
    /// The settings in use.
    public var config: StoryConfig
    /// Term statistics of the whole corpus when this run clusters a part of it (a time window of a distributed
    /// run): idf comes from them, so the part weighs terms as a run over the whole does.
    public var termStatistics: TermStatistics?

    /// Creates a clusterer.
    public init(config: StoryConfig = StoryConfig()) { self.config = config }

    /// The text a brief is clustered on: its headline (when not already its first words) and body.
    public static func matchingText(_ b: Brief, dateline: Bool = false) -> String {
        var text = b.text
        if let t = b.title, !b.text.hasPrefix(t) { text = t + "\n" + text }
        if dateline, let d = b.dateline { text = d + "\n" + text }
        return text
    }

    /// The text this clusterer vectorises: `matchingText`, and for events the title `titleWeight` more times.
    public func clusteringText(_ b: Brief) -> String {
        var text = Self.matchingText(b, dateline: config.datelineTerms)
        if config.method == .events, config.titleWeight > 0, let t = b.title, !t.isEmpty {
            text = String(repeating: t + "\n", count: config.titleWeight) + text
        }
        return text
    }

    /// What `clusterCanonical` found: a label per brief, the fitted TF-IDF model and rows, the SVD basis, and the
    /// clusters' sums (by label) that a stored story model keeps.
    public struct Clustering {
        /// Per brief, the smallest index of its cluster.
        public var labels: [Int]
        /// The TF-IDF model fitted (nil for fewer than two briefs).
        public var model: TfidfModel?
        /// The briefs' TF-IDF rows under `model`.
        public var rows: SparseRows?
        /// The V×d SVD basis (nil when nothing was embedded).
        public var basis: Matrix?
        /// The clusters' sum vectors, sizes and time sums by label (nil when nothing was embedded).
        public var clusters: AverageLinkage.Clusters?
    }

    /// Where `attach` put a brief: with the anchor its cluster holds, or in cluster `new` (its smallest row) without one.
    public enum Placement: Equatable, Sendable {
        case anchor(Int)
        case new(Int)
    }

    /// Places briefs among anchored ones, as a nightly run places new briefs among stored stories: rows with
    /// `anchors[i] >= 0` start as anchored clusters (see `clusterCanonical(initial:)`), the rest are clustered with
    /// them. Anchored clusters never merge with each other, so a cluster holds at most one anchor.
    public func attach(_ briefs: [Brief], anchors: [Int], timings: inout [(String, Double)]) throws -> (placement: [Placement], model: TfidfModel?) {
        let result = try clusterCanonical(briefs, timings: &timings, initial: anchors)
        var anchorOf: [Int: Int] = [:]
        for (k, cluster) in result.labels.enumerated() where anchors[k] >= 0 { anchorOf[cluster] = anchors[k] }
        return (result.labels.map { anchorOf[$0].map(Placement.anchor) ?? .new($0) }, result.model)
    }

    /// Labels canonical briefs with a cluster (the smallest index of the cluster), returning the labels and the
    /// fitted TF-IDF rows for labelling.
    ///
    /// With `initial` (a label per brief, −1 = none), briefs sharing a label start as one anchored cluster that no
    /// other anchored cluster can join, and neighbours are searched only for the unlabelled briefs: how a nightly
    /// run places new briefs among stored stories.
    public func clusterCanonical(_ briefs: [Brief], timings: inout [(String, Double)], initial: [Int]? = nil) throws -> Clustering {
        let n = briefs.count
        guard n > 1 else { return Clustering(labels: Array(0..<n)) }
        var clock = Date()
        let (model, rows) = TfidfModel.fit(briefs.map(clusteringText), config: config.tfidfConfig, statistics: termStatistics)
        timings.append(("vectorise", Date().timeIntervalSince(clock)))
        if config.method == .events {
            clock = Date()
            // No degree cap at both ends and no link cap per cluster: both cost recall (generated 100k: B³ F1 0.942
            // without, 0.741 with 30 neighbours, 0.830 with 128 links per cluster; Cluster/README.md).
            var linkage = EventLinkage(threshold: config.eventThreshold, windowHours: config.eventWindowHours, edgeFloor: config.edgeFloor)
            linkage.minSharedTerms = config.minSharedTerms
            linkage.minSharedTermsLong = config.minSharedTermsLong
            linkage.maxEdgesPerBrief = config.eventEdgesPerBrief
            linkage.commonTermBriefs = config.commonTermBriefs
            let hours = briefs.map { $0.published.map { $0.timeIntervalSince1970 / 3600 } }
            let graph = linkage.graph(rows, hours: hours, queries: initial.map { $0.map { $0 < 0 } })
            timings.append(("neighbours", Date().timeIntervalSince(clock)))
            clock = Date()
            let labels = linkage.cluster(n, graph: graph, initial: initial)
            timings.append(("cluster", Date().timeIntervalSince(clock)))
            return Clustering(labels: labels, model: model, rows: rows)
        }
        clock = Date()
        var svd = RandomizedSVD()
        svd.dimensions = config.dimensions(for: n)
        svd.oversampling = config.oversampling
        svd.powerIterations = config.powerIterations(for: n)
        svd.seed = config.seed
        var (z, basis) = try svd.embedWithBasis(rows)
        timings.append(("svd", Date().timeIntervalSince(clock)))
        guard z.columns > 0 else { return Clustering(labels: Array(0..<n), model: model, rows: rows) }
        clock = Date()
        let graph = neighbourGraph(z, briefs: briefs, rows: rows, queries: initial.map { $0.map { $0 < 0 } })
        timings.append(("neighbours", Date().timeIntervalSince(clock)))
        clock = Date()
        // Smoothing with the m nearest neighbours (from z, one pass), then length reliability. Smoothed rows are
        // built aside and written back, so z becomes v in place: on a night most rows (stored briefs, no neighbour
        // search) have nothing to add, and a full copy of the n×d matrix was a second of page faults at 1M.
        let d = z.columns
        let smoothing = min(config.smoothing, graph.k)
        let touched = (0..<n).filter { i in (0..<smoothing).contains { r in graph.neighbour(i, r).map { $0.1 > 0 } ?? false } }
        var smoothed = [Float](repeating: 0, count: touched.count * d)
        z.values.withUnsafeBufferPointer { zv in
            smoothed.withUnsafeMutableBufferPointer { out in
                for (k, i) in touched.enumerated() {
                    let row = out.baseAddress! + k * d
                    for c in 0..<d { row[c] = zv[i * d + c] }
                    for r in 0..<smoothing {
                        guard let (j, s) = graph.neighbour(i, r), s > 0 else { continue }
                        for c in 0..<d { row[c] += s * zv[j * d + c] }
                    }
                }
            }
        }
        for (k, i) in touched.enumerated() { for c in 0..<d { z.values[i * d + c] = smoothed[k * d + c] } }
        smoothed = []
        var v = consume z
        v.normalizeRows()
        for i in 0..<n {
            let scale = config.vectorScale(rows.nonZeros(i))
            for c in 0..<d { v.values[i * d + c] *= scale }
        }
        let hours = briefs.map { $0.published.map { $0.timeIntervalSince1970 / 3600 } }
        var linkage = AverageLinkage(threshold: config.threshold, timeWindowHours: config.timeWindowHours, timeDecayHours: config.timeDecayHours)
        linkage.maxLinks = config.maxLinks
        // The candidate graph uses the first k neighbours.
        let (labels, clusters) = linkage.clusterWithSums(consume v, graph: graph.prefix(config.neighbours), hours: hours, initial: initial)
        timings.append(("cluster", Date().timeIntervalSince(clock)))
        return Clustering(labels: labels, model: model, rows: rows, basis: basis, clusters: clusters)
    }

    /// The kNN graph of `z`. When every brief has a time, rows are sorted by time and each row block is compared
    /// only with briefs within Δ hours, Δ = W + τ·ln(maxScale/T): beyond it the time factor keeps every pair below
    /// the threshold even at the largest length correction maxScale = max 1/r_i, so such pairs can never merge.
    func neighbourGraph(_ z: Matrix, briefs: [Brief], rows: SparseRows, queries: [Bool]? = nil) -> NeighbourGraph {
        let times = briefs.compactMap { $0.published?.timeIntervalSince1970 }
        let maxScale = (0..<rows.rowCount).map { config.inverseReliability(rows.nonZeros($0)) }.max() ?? 1
        return neighbourGraph(z, times: times.count == briefs.count ? times : nil, maxScale: maxScale, queries: queries)
    }

    /// Seconds beyond which two rows can never merge, whatever their similarity: W + τ·ln(maxScale/T).
    func searchWindow(maxScale: Float) -> Double {
        3600 * (config.timeWindowHours + config.timeDecayHours * Double(max(0, log(maxScale / config.threshold))))
    }

    /// The kNN graph of `z` given every row's time in seconds (or nil) and the largest length correction.
    func neighbourGraph(_ z: Matrix, times: [Double]?, maxScale: Float, queries: [Bool]? = nil) -> NeighbourGraph {
        let k = max(config.neighbours, config.smoothing)
        guard let times, z.rows > 2 * NearestNeighbours.rowBlock else {
            return config.usesApproximateSearch(for: z.rows) ? PartitionedNeighbours().search(z, k: k, queries: queries)
                : NearestNeighbours.search(z, k: k, queries: queries)
        }
        let delta = searchWindow(maxScale: maxScale)
        if config.usesApproximateSearch(for: z.rows) {
            return PartitionedNeighbours().search(z, k: k, times: times, window: delta, queries: queries)
        }
        let order = times.indices.sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
        let sortedTimes = order.map { times[$0] }
        let sorted = z.gathering(order)
        let graph = NearestNeighbours.search(sorted, k: k, columns: { r0, r1 in
            NearestNeighbours.lowerBound(sortedTimes, sortedTimes[r0] - delta)
                ..< NearestNeighbours.lowerBound(sortedTimes, sortedTimes[r1 - 1] + delta + 0.001)
        }, queries: queries.map { q in order.map { q[$0] } })
        // Back to input order: row order[r]'s neighbours are order[j] for sorted j.
        var indices = [Int32](repeating: -1, count: graph.indices.count)
        var sims = [Float](repeating: -.infinity, count: graph.indices.count)
        for (r, i) in order.enumerated() {
            for q in 0..<graph.k {
                let j = graph.indices[r * graph.k + q]
                indices[i * graph.k + q] = j < 0 ? -1 : Int32(order[Int(j)])
                sims[i * graph.k + q] = graph.similarities[r * graph.k + q]
            }
        }
        return NeighbourGraph(k: graph.k, indices: indices, similarities: sims)
    }

    /// Clusters `briefs` given their deduplication: canonical briefs are clustered, duplicates follow them.
    public func run(_ briefs: [Brief], dedup: DedupResult) throws -> StoryResult {
        var timings: [(String, Double)] = []
        let canonical = dedup.canonicalIndices
        let canonicalBriefs = canonical.map { briefs[$0] }
        let found = try clusterCanonical(canonicalBriefs, timings: &timings)
        var result = Self.assemble(briefs, dedup: dedup, labels: found.labels, ids: [:], model: found.model, rows: found.rows,
                                   timings: timings, vectors: Self.storyVectors(found, briefs: canonicalBriefs))
        if let model = found.model, let basis = found.basis {
            result.model = StoryModel(tfidf: model, basis: basis, settingsKey: config.modelKey, fitted: canonical.count)
        }
        let clock = Date()
        setThreads(&result, briefs: briefs, canonical: canonical, rows: found.rows, events: found.labels)
        result.timings.append(("threads", Date().timeIntervalSince(clock)))
        return result
    }

    /// Sets `result`'s threads (`ThreadLinkage` over its stories' events), given the TF-IDF rows and event label of
    /// each canonical brief in `canonical` order; `anchored` maps stories to stored threads that stay whole (a night
    /// that loads only part of the history) and name them. With threads off every story is its own thread.
    /// `context` adds stored stories the report does not hold, each anchored to its stored thread, so that a new
    /// event can join a thread whose events the night did not touch; the thread then keeps the stored id.
    public func setThreads(_ result: inout StoryResult, briefs: [Brief], canonical: [Int], rows: SparseRows?, events: [Int],
                           anchored stored: [String: String] = [:], context: ThreadContext? = nil) {
        var position: [Int: Int] = [:]
        for (p, i) in canonical.enumerated() { position[i] = p }
        guard var rows, config.threads, rows.rowCount == canonical.count else {
            result.setThreads(Array(result.stories.indices), briefs: briefs, stored: stored)
            return
        }
        var linkage = ThreadLinkage(threshold: config.threadThreshold, windowHours: config.threadWindowHours, edgeFloor: config.threadEdgeFloor)
        linkage.minSharedTerms = config.threadMinSharedTerms
        linkage.commonTermEvents = config.threadCommonTermEvents
        // Stored threads as anchors: a number per stored thread id, on every canonical brief of its stories.
        var anchors: [Int]? = nil
        var number: [String: Int] = [:]
        func anchor(_ t: String) -> Int { number[t] ?? { let k = number.count; number[t] = k; return k }() }
        var events = events
        var hours = canonical.map { briefs[$0].published.map { $0.timeIntervalSince1970 / 3600 } }
        if !stored.isEmpty || context != nil {
            var a = [Int](repeating: -1, count: canonical.count)
            for s in result.stories {
                guard let t = stored[s.id] else { continue }
                let k = anchor(t)
                for c in s.canonicalBriefs { if let p = position[c] { a[p] = k } }
            }
            if let context, context.rows.rowCount > 0 {
                // Context events after the report's, with labels no report event uses.
                let offset = (events.max() ?? 0) + 1
                rows.append(context.rows)
                events += context.story.map { offset + $0 }
                hours += context.hours.map { Optional($0) }
                a += context.story.map { anchor(context.threads[$0]) }
            }
            anchors = a
        }
        let isContext = context.map { [Bool](repeating: false, count: canonical.count) + [Bool](repeating: true, count: $0.rows.rowCount) }
        let threadOf = linkage.threads(rows, events: events, hours: hours, anchors: anchors, context: isContext)
        // A report thread that holds a context story is that story's stored thread.
        var stored = stored
        if let context {
            var contextThread: [Int: String] = [:]
            for (k, s) in context.story.enumerated() { contextThread[threadOf[canonical.count + k]] = context.threads[s] }
            for s in result.stories {
                if let t = contextThread[threadOf[position[s.canonicalBriefs[0]]!]] { stored[s.id] = t }
            }
        }
        result.setThreads(result.stories.map { threadOf[position[$0.canonicalBriefs[0]]!] }, briefs: briefs, stored: stored)
    }

    /// Builds stories from a label per canonical brief (in `dedup.canonicalIndices` order): duplicates join their
    /// canonical brief's story; a label found in `ids` takes that id, others get the id of their earliest brief.
    public static func assemble(_ briefs: [Brief], dedup: DedupResult, labels: [Int], ids: [Int: String],
                                model: TfidfModel?, rows: SparseRows?, timings: [(String, Double)],
                                vectors: [Int: StoryVector] = [:]) -> StoryResult {
        let canonical = dedup.canonicalIndices
        var members: [Int: [Int]] = [:]
        for (pos, label) in labels.enumerated() { members[label, default: []].append(pos) }
        var storyOfCanonical = [Int: Int]()  // canonical brief index → story slot
        var stories: [Story] = []
        var duplicatesOf: [Int: [Int]] = [:]
        for (i, c) in dedup.canonicalOf.enumerated() where c != i { duplicatesOf[c, default: []].append(i) }
        for label in members.keys.sorted() {
            let positions = members[label]!
            let canon = positions.map { canonical[$0] }
            var all = canon
            for c in canon { all += duplicatesOf[c] ?? [] }
            all.sort { Self.earlier(briefs[$0], briefs[$1]) }
            let earliestCanonical = canon.min { Self.earlier(briefs[$0], briefs[$1]) }!
            for c in canon { storyOfCanonical[c] = stories.count }
            stories.append(Story(
                id: ids[label] ?? Self.storyId(briefs[earliestCanonical].id),
                label: Self.label(positions, model: model, rows: rows),
                representative: Self.representative(positions, canonical: canonical, rows: rows),
                briefs: all, canonicalBriefs: canon.sorted(),
                firstPublished: all.compactMap { briefs[$0].published }.min(),
                lastPublished: all.compactMap { briefs[$0].published }.max(),
                agencies: Self.byFrequency(all.flatMap { briefs[$0].agencies }),
                datelines: Self.byFrequency(all.compactMap { briefs[$0].dateline }),
                outlets: Self.byFrequency(all.compactMap { briefs[$0].outlet }),
                vector: vectors[label]))
        }
        var storyOf = [Int](repeating: 0, count: briefs.count)
        for (i, c) in dedup.canonicalOf.enumerated() { storyOf[i] = storyOfCanonical[c]! }
        var result = StoryResult(stories: stories, storyOf: storyOf, timings: timings)
        result.resort()  // most recent activity first; ties by id for repeatable output
        return result
    }

    /// Each cluster's `StoryVector` by label, from the linkage's sums; time range from the briefs clustered.
    static func storyVectors(_ found: Clustering, briefs: [Brief]) -> [Int: StoryVector] {
        guard let clusters = found.clusters else { return [:] }
        let d = clusters.dimensions
        var out: [Int: StoryVector] = [:]
        for (i, label) in found.labels.enumerated() {
            if out[label] == nil {
                out[label] = StoryVector(sum: Array(clusters.sums[(label * d)..<((label + 1) * d)]), size: Int(clusters.size[label]),
                                         timeSum: clusters.timeSum[label], timeCount: clusters.timeCount[label], first: nil, last: nil)
            }
            if let t = briefs[i].published?.timeIntervalSince1970 {
                out[label]!.first = min(out[label]!.first ?? t, t)
                out[label]!.last = max(out[label]!.last ?? t, t)
            }
        }
        return out
    }

    static func earlier(_ a: Brief, _ b: Brief) -> Bool {
        switch (a.published, b.published) {
        case let (p?, q?) where p != q: return p < q
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.id < b.id
        }
    }

    /// `s` + 12 hex digits of a hash of the earliest canonical brief's id.
    public static func storyId(_ briefId: String) -> String {
        let h = Array(briefId.utf8).withUnsafeBufferPointer { Hashing.bytes($0, seed: 0x5707) }
        return String(format: "s%012llx", h >> 16)
    }

    /// Top four terms by summed TF-IDF weight over the story's canonical briefs.
    static func label(_ positions: [Int], model: TfidfModel?, rows: SparseRows?) -> String {
        guard let model, let rows else { return "" }
        var weight: [Int32: Float] = [:]
        for p in positions {
            for k in rows.rowStart[p]..<rows.rowStart[p + 1] { weight[rows.columns[k], default: 0] += rows.values[k] }
        }
        let top = weight.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(4)
        return top.map { model.terms[Int($0.key)] }.joined(separator: " ")
    }

    /// The canonical brief with the largest TF-IDF dot product with the story's centroid.
    static func representative(_ positions: [Int], canonical: [Int], rows: SparseRows?) -> Int {
        guard let rows, positions.count > 2 else { return canonical[positions[0]] }
        var centroid: [Int32: Float] = [:]
        for p in positions { for k in rows.rowStart[p]..<rows.rowStart[p + 1] { centroid[rows.columns[k], default: 0] += rows.values[k] } }
        var best = positions[0], bestScore = -Float.infinity
        for p in positions {
            var s: Float = 0
            for k in rows.rowStart[p]..<rows.rowStart[p + 1] { s += rows.values[k] * (centroid[rows.columns[k]] ?? 0) }
            if s > bestScore { bestScore = s; best = p }
        }
        return canonical[best]
    }

    static func byFrequency(_ values: [String]) -> [String] {
        var count: [String: Int] = [:]
        for v in values { count[v, default: 0] += 1 }
        return count.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
    }
}

extension Matrix {
    /// Row `order[r]` of this matrix as row r (the rows sorted by time for a banded neighbour search).
    func gathering(_ order: [Int]) -> Matrix {
        var out = Matrix(rows: order.count, columns: columns)
        let d = columns
        for (r, i) in order.enumerated() { for c in 0..<d { out.values[r * d + c] = values[i * d + c] } }
        return out
    }
}
