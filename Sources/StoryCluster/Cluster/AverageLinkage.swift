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
    /// - Complexity: O(n) neighbour scans of O(|N|·d) each, plus set merges.
    public func cluster(_ v: Matrix, graph: NeighbourGraph, hours: [Double?]) -> [Int] {
        let n = v.rows, d = v.columns
        guard n > 0 else { return [] }
        var sums = v.values
        var size = [Int32](repeating: 1, count: n)
        var timeSum = hours.map { $0 ?? 0 }
        var timeCount = hours.map { $0 == nil ? 0.0 : 1.0 }
        var parent = Array(0..<n)
        var final = [Bool](repeating: false, count: n)
        var neighbours = [Set<Int32>](repeating: [], count: n)
        for i in 0..<n {
            for r in 0..<graph.k {
                guard let (j, _) = graph.neighbour(i, r), j != i else { continue }
                neighbours[i].insert(Int32(j))
                neighbours[j].insert(Int32(i))
            }
        }
        func score(_ a: Int, _ b: Int) -> Float {
            var dot: Float = 0
            sums.withUnsafeBufferPointer { s in
                let pa = s.baseAddress! + a * d, pb = s.baseAddress! + b * d
                for j in 0..<d { dot += pa[j] * pb[j] }
            }
            var value = dot / (Float(size[a]) * Float(size[b]))
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
            for c in neighbours[a] {
                let ci = Int(c)
                let s = score(a, ci)
                if s < threshold {
                    neighbours[a].remove(c)
                    neighbours[ci].remove(Int32(a))
                    continue
                }
                if s > bestScore || (s == bestScore && (ci == prefer || (bestId != prefer && ci < bestId))) {
                    bestScore = s
                    bestId = ci
                }
            }
            return bestId < 0 ? nil : (bestId, bestScore)
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
            // a and b are each other's best: merge hi into lo (the survivor keeps the smaller id).
            chain.removeLast(2)
            let lo = min(a, b), hi = max(a, b)
            parent[hi] = lo
            size[lo] += size[hi]
            timeSum[lo] += timeSum[hi]
            timeCount[lo] += timeCount[hi]
            sums.withUnsafeMutableBufferPointer { s in
                let pl = s.baseAddress! + lo * d, ph = s.baseAddress! + hi * d
                for j in 0..<d { pl[j] += ph[j] }
            }
            let moved = neighbours[hi]
            neighbours[hi] = []
            neighbours[lo].remove(Int32(hi))
            for c in moved where Int(c) != lo {
                neighbours[Int(c)].remove(Int32(hi))
                neighbours[Int(c)].insert(Int32(lo))
                neighbours[lo].insert(c)
            }
        }
        // Survivors are always the smallest index of their cluster.
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var j = i
            while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
            return r
        }
        return (0..<n).map(root)
    }
}
