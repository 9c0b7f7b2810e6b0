import Foundation
import HeapModule
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

    struct Entry: Comparable {
        var score: Float
        var lo: Int32, hi: Int32
        var versionLo: Int32, versionHi: Int32
        // Heap max = highest score; equal scores: smaller lo, then smaller hi.
        static func < (a: Entry, b: Entry) -> Bool {
            if a.score != b.score { return a.score < b.score }
            if a.lo != b.lo { return a.lo > b.lo }
            return a.hi > b.hi
        }
    }

    /// Clusters the rows of `v` (n×d) over the edges of `graph`; `hours` are optional times (nil = unknown).
    /// Returns a label per row: the smallest row index of its cluster.
    public func cluster(_ v: Matrix, graph: NeighbourGraph, hours: [Double?]) -> [Int] {
        let n = v.rows, d = v.columns
        guard n > 0 else { return [] }
        var sums = v.values
        var size = [Int32](repeating: 1, count: n)
        var timeSum = hours.map { $0 ?? 0 }
        var timeCount = hours.map { $0 == nil ? 0.0 : 1.0 }
        var version = [Int32](repeating: 0, count: n)
        var parent = Array(0..<n)
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
        // Average linkage is reducible: the average of a merged cluster with C lies between the averages of its
        // parts with C, so a pair below the threshold can never rise above it. Such links are dropped for good,
        // which keeps neighbour sets small (the time factor, based on mean times, bends this only slightly).
        var heap = Heap<Entry>()
        for i in 0..<n {
            for j in neighbours[i] where Int(j) > i {
                let s = score(i, Int(j))
                if s >= threshold {
                    heap.insert(Entry(score: s, lo: Int32(i), hi: j, versionLo: 0, versionHi: 0))
                } else {
                    neighbours[i].remove(j)
                    neighbours[Int(j)].remove(Int32(i))
                }
            }
        }
        while let top = heap.popMax() {
            guard top.score >= threshold else { break }
            let lo = Int(top.lo), hi = Int(top.hi)
            guard parent[lo] == lo, parent[hi] == hi, version[lo] == top.versionLo, version[hi] == top.versionHi else { continue }
            // Merge hi into lo (the survivor keeps the smaller id).
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
            version[lo] += 1
            for c in neighbours[lo] {
                let ci = Int(c)
                let s = score(lo, ci)
                guard s >= threshold else {
                    neighbours[lo].remove(c)
                    neighbours[ci].remove(Int32(lo))
                    continue
                }
                let (a, b) = lo < ci ? (lo, ci) : (ci, lo)
                heap.insert(Entry(score: s, lo: Int32(a), hi: Int32(b), versionLo: version[a], versionHi: version[b]))
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
