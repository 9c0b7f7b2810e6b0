import Foundation
import LinearAlgebra

/// Average-linkage agglomeration restricted to a candidate graph, with exact averages.
///
/// The score of clusters A and B is the mean of v_i·v_j over all i ∈ A, j ∈ B, computed exactly as
/// (s_A · s_B) / (|A|·|B|) from cluster sum vectors — pairs without a kNN edge count with their true
/// similarity, not as zero. The graph only decides which cluster pairs are looked at. A single link, strong or
/// weak, contributes 1/(|A|·|B|) of the score: the guard against chaining. Merges run best-first while the
/// score is at least `threshold`.
///
/// Optional time factor: when both clusters have times and their mean times are g hours apart with g > W,
/// the score is multiplied by exp(−(g − W)/τ); without times there is no penalty.
public struct AverageLinkage: Sendable {
    /// Merge while the (length-corrected) average similarity is at least this.
    public var threshold: Float
    /// Gap in hours within which time does not matter (W).
    public var timeWindowHours: Double
    /// e-folding time in hours of the penalty beyond the window (τ).
    public var timeDecayHours: Double
    /// Candidate links a cluster keeps, the strongest by score (0 = all). Why: a story of thousands of briefs grows
    /// by absorbing them one at a time, and each absorption must bring every link of the cluster up to date (one
    /// d-dimensional dot product per link the newcomer lacked), which is quadratic in the story's size; at 1M
    /// briefs that was most of the run. The story's own best partner is always among its strongest links; the
    /// dropped side may lose a link that was its best, and a brief whose good links all led into capped stories stays
    /// apart. Measured: keeping such links over the cap (1M generated briefs) moved B³ F1 from 0.786 to 0.787 and
    /// the clustering stage from 48 s to 187 s, so the cap drops them.
    public var maxLinks = 0

    /// Creates the clusterer.
    public init(threshold: Float, timeWindowHours: Double = 48, timeDecayHours: Double = 48) {
        self.threshold = threshold
        self.timeWindowHours = timeWindowHours
        self.timeDecayHours = timeDecayHours
    }

    /// Clusters the rows of `v` (n×d) over the edges of `graph`; `hours` are optional times (nil = unknown).
    /// Returns a label per row: the smallest row index of its cluster.
    ///
    /// Nearest-neighbour chain (Murtagh; Müllner 2011): follow best neighbours until two clusters are each
    /// other's best, merge them, continue from the chain's top. For a reducible linkage such as average linkage
    /// this gives the same merges as best-first agglomeration, with no priority queue: an edge queue grew to tens
    /// of millions of stale entries on big stories. A cluster whose best link is under the threshold is final:
    /// by reducibility a merge of its neighbours can only give an average between theirs, so still under it.
    /// (The time factor, on mean member times, bends reducibility slightly; ties break by smaller id.)
    /// - Complexity: O(n·k·d) for the first link weights, then O(|N|) per neighbour scan and per merge, plus one
    ///   dot product for each pair only one side of a merge knew.
    ///
    /// `initial` (optional, one label per row, −1 = none) starts the rows sharing a label as one anchored cluster;
    /// two anchored clusters never merge. The nightly path uses it to attach new briefs to stored stories without
    /// re-deciding the stories themselves.
    public func cluster(_ v: consuming Matrix, graph: NeighbourGraph, hours: [Double?], initial: [Int]? = nil) -> [Int] {
        clusterWithSums(v, graph: graph, hours: hours, initial: initial).labels
    }

    /// Rows that stand for a whole cluster already formed elsewhere (a stored story): the row of `v` is its sum
    /// vector, and these give its size and time sums, so its score with any cluster is what its members would give.
    public struct RowWeights: Sendable {
        /// Members per row.
        public var size: [Int32]
        /// Sum of the members' hours per row.
        public var timeSum: [Double]
        /// Members with a time per row.
        public var timeCount: [Double]
        /// Creates the weights.
        public init(size: [Int32], timeSum: [Double], timeCount: [Double]) {
            self.size = size
            self.timeSum = timeSum
            self.timeCount = timeCount
        }
    }

    /// The clusters a run ended with, by root row: what a stored story model keeps of each story.
    public struct Clusters: Sendable {
        /// Columns of `sums`.
        public var dimensions: Int
        /// n×d; the row of a root (a label) is its cluster's sum vector, other rows are partial sums.
        public var sums: [Float]
        /// Members per root.
        public var size: [Int32]
        /// Sum of member hours per root.
        public var timeSum: [Double]
        /// Members with a time per root.
        public var timeCount: [Double]
    }

    /// `cluster`, also returning the clusters' sum vectors and sizes; `weights` (optional) makes rows stand for
    /// whole clusters (see `RowWeights`).
    public func clusterWithSums(_ v: consuming Matrix, graph: NeighbourGraph, hours: [Double?], initial: [Int]? = nil,
                                weights: RowWeights? = nil) -> (labels: [Int], clusters: Clusters) {
        let n = v.rows, d = v.columns
        guard n > 0 else { return ([], Clusters(dimensions: d, sums: [], size: [], timeSum: [], timeCount: [])) }
        // Taking `v` over: the cluster sums start as its rows, without copying an n×d matrix (1.5 GB at 1M briefs).
        var sums = (consume v).values
        var size = weights?.size ?? [Int32](repeating: 1, count: n)
        var timeSum = weights?.timeSum ?? hours.map { $0 ?? 0 }
        var timeCount = weights?.timeCount ?? hours.map { $0 == nil ? 0.0 : 1.0 }
        var parent = Array(0..<n)
        var final = [Bool](repeating: false, count: n)
        var anchored = [Bool](repeating: false, count: n)
        // links[a][b] = s_a · s_b, the exact sum of member similarities between clusters a and b, kept for every
        // candidate pair. A merge adds the two rows (Lance–Williams for average linkage), so a score is a lookup,
        // not a d-dimensional dot product each time the chain revisits a cluster (at 1M briefs that recomputation
        // was most of the run). A pair only one side knew about gets its missing half by one exact dot product.
        let k = graph.k
        var edge = [Float](repeating: 0, count: n * k)
        edge.withUnsafeMutableBufferPointer { e in
            sums.withUnsafeBufferPointer { s in
                let parts = max(1, min(n, 64))
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    for i in (n * p / parts)..<(n * (p + 1) / parts) {
                        for r in 0..<k {
                            let j = Int(graph.indices[i * k + r])
                            guard j >= 0 else { continue }
                            e[i * k + r] = Self.dot(s.baseAddress! + i * d, s.baseAddress! + j * d, d)
                        }
                    }
                }
            }
        }
        // Per cluster, its links sorted by neighbour id: scans are contiguous and a merge is a sorted merge
        // (a Dictionary per cluster spent a fifth of the time hashing).
        var links = [[Link]](repeating: [], count: n)
        for i in 0..<n {
            for r in 0..<k {
                guard let (j, _) = graph.neighbour(i, r), j != i else { continue }
                links[i].append(Link(id: Int32(j), weight: edge[i * k + r]))
                links[j].append(Link(id: Int32(i), weight: edge[i * k + r]))
            }
        }
        for i in 0..<n {
            // A pair found from both sides appears twice with the same weight; keep one.
            links[i].sort { $0.id < $1.id }
            var out = 0
            for e in links[i] where out == 0 || links[i][out - 1].id != e.id { links[i][out] = e; out += 1 }
            links[i].removeLast(links[i].count - out)
        }
        edge = []
        func dotSums(_ a: Int, _ b: Int) -> Float {
            sums.withUnsafeBufferPointer { s in Self.dot(s.baseAddress! + a * d, s.baseAddress! + b * d, d) }
        }
        func score(_ a: Int, _ b: Int, _ w: Float) -> Float {
            var value = w / (Float(size[a]) * Float(size[b]))
            if timeCount[a] > 0 && timeCount[b] > 0 {
                let gap = abs(timeSum[a] / timeCount[a] - timeSum[b] / timeCount[b])
                if gap > timeWindowHours { value *= Float(exp(-(gap - timeWindowHours) / timeDecayHours)) }
            }
            return value
        }
        /// Best neighbour of `a` at or above the threshold (links below it are dropped for good); `prefer` wins ties,
        /// which keeps reciprocal pairs reciprocal, then the smaller id.
        func best(_ a: Int, prefer: Int) -> (Int, Float)? {
            var bestId = -1
            var bestScore: Float = -.infinity
            var dropped = false
            for e in links[a] {
                let ci = Int(e.id)
                let s = score(a, ci, e.weight)
                if s < threshold {
                    dropped = true
                    continue
                }
                if anchored[a] && anchored[ci] { continue }
                if s > bestScore || (s == bestScore && (ci == prefer || (bestId != prefer && ci < bestId))) {
                    bestScore = s
                    bestId = ci
                }
            }
            if dropped {
                var kept: [Link] = []
                for e in links[a] {
                    if score(a, Int(e.id), e.weight) < threshold { Self.remove(Int32(a), from: &links[Int(e.id)]) } else { kept.append(e) }
                }
                links[a] = kept
            }
            return bestId < 0 ? nil : (bestId, bestScore)
        }
        /// Merges clusters a and b: hi into lo, the survivor keeping the smaller id.
        func merge(_ a: Int, _ b: Int) {
            let lo = min(a, b), hi = max(a, b)
            parent[hi] = lo
            size[lo] += size[hi]
            timeSum[lo] += timeSum[hi]
            timeCount[lo] += timeCount[hi]
            let la = links[lo], lb = links[hi]
            links[lo] = []
            links[hi] = []
            var merged: [Link] = []
            merged.reserveCapacity(la.count + lb.count)
            var p = 0, q = 0
            while p < la.count || q < lb.count {
                let x: Int32, w: Float
                if q == lb.count || (p < la.count && la[p].id < lb[q].id) {
                    x = la[p].id; w = la[p].weight + dotSums(hi, Int(x)); p += 1
                } else if p == la.count || lb[q].id < la[p].id {
                    x = lb[q].id; w = dotSums(lo, Int(x)) + lb[q].weight; q += 1
                } else {
                    x = la[p].id; w = la[p].weight + lb[q].weight; p += 1; q += 1
                }
                if Int(x) == lo || Int(x) == hi { continue }
                merged.append(Link(id: x, weight: w))
                Self.remove(Int32(hi), from: &links[Int(x)])
                Self.set(Int32(lo), w, in: &links[Int(x)])
            }
            links[lo] = merged
            if maxLinks > 0 && merged.count > maxLinks {
                let scored = merged.map { score(lo, Int($0.id), $0.weight) }
                let order = merged.indices.sorted { scored[$0] != scored[$1] ? scored[$0] > scored[$1] : merged[$0].id < merged[$1].id }
                var keep = [Bool](repeating: false, count: merged.count)
                for i in order.prefix(maxLinks) { keep[i] = true }
                var kept: [Link] = []
                kept.reserveCapacity(maxLinks)
                for (i, e) in merged.enumerated() {
                    if keep[i] { kept.append(e) } else { Self.remove(Int32(lo), from: &links[Int(e.id)]) }
                }
                links[lo] = kept
            }
            sums.withUnsafeMutableBufferPointer { s in
                let pl = s.baseAddress! + lo * d, ph = s.baseAddress! + hi * d
                for j in 0..<d { pl[j] += ph[j] }
            }
            anchored[lo] = anchored[lo] || anchored[hi]
        }
        if let initial {
            // Rows sharing a label start as one anchored cluster (merged in index order, so the root is the smallest).
            var first: [Int: Int] = [:]
            for i in 0..<n where initial[i] >= 0 {
                if let r = first[initial[i]] { merge(r, i) } else { first[initial[i]] = i }
                anchored[min(first[initial[i]]!, i)] = true
            }
        }
        var chain: [Int] = []
        var start = 0
        while true {
            if chain.isEmpty {
                while start < n && (parent[start] != start || final[start]) { start += 1 }
                guard start < n else { break }
                chain.append(start)
            }
            let a = chain[chain.count - 1]
            let previous = chain.count >= 2 ? chain[chain.count - 2] : -1
            guard let (b, _) = best(a, prefer: previous) else {
                final[a] = true
                chain.removeLast()
                continue
            }
            guard b == previous else {
                chain.append(b)
                continue
            }
            // a and b are each other's best.
            chain.removeLast(2)
            merge(a, b)
        }
        // Survivors are always the smallest index of their cluster.
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var j = i
            while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
            return r
        }
        return ((0..<n).map(root), Clusters(dimensions: d, sums: sums, size: size, timeSum: timeSum, timeCount: timeCount))
    }

    /// A candidate pair's link: the neighbour cluster and s_a · s_b.
    struct Link {
        var id: Int32
        var weight: Float
    }

    /// Removes `id` from a list sorted by id, if present.
    static func remove(_ id: Int32, from list: inout [Link]) {
        let i = position(id, list)
        if i < list.count && list[i].id == id { list.remove(at: i) }
    }

    /// Sets (or inserts) `id`'s weight in a list sorted by id.
    static func set(_ id: Int32, _ weight: Float, in list: inout [Link]) {
        let i = position(id, list)
        if i < list.count && list[i].id == id { list[i].weight = weight } else { list.insert(Link(id: id, weight: weight), at: i) }
    }

    /// The first index whose id is not below `id`.
    static func position(_ id: Int32, _ list: [Link]) -> Int {
        var lo = 0, hi = list.count
        while lo < hi { let mid = (lo + hi) / 2; if list[mid].id < id { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// a·b over `d` floats, in a fixed order (a score must not depend on which side computed it).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Float {
        // Two 8-lane accumulators: a scalar loop cannot be vectorised (float addition is not reassociated) and
        // merges of big clusters spend most of their time here.
        var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var j = 0
        while j + 16 <= d {
            acc0 += ra.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: j * 4 + 32, as: SIMD8<Float>.self)
            j += 16
        }
        var acc = (acc0 + acc1).sum()
        while j < d { acc += a[j] * b[j]; j += 1 }
        return acc
    }
}
