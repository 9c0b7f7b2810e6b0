import Foundation

/// Precision, recall and their harmonic mean.
public struct PRF: Hashable, Sendable, CustomStringConvertible {
    /// Precision.
    public var precision: Double
    /// Recall.
    public var recall: Double
    /// F1 = 2PR / (P + R), 0 when both are 0.
    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }
    /// `P=… R=… F1=…` with three decimals.
    public var description: String { String(format: "P=%.3f R=%.3f F1=%.3f", precision, recall, f1) }
}

/// Scores of a predicted clustering against gold labels over the same items.
public struct ClusteringScores: Hashable, Sendable {
    /// B-cubed precision/recall/F1, averaged over items.
    public var bcubed: PRF
    /// Pairwise precision/recall/F1 over item pairs placed together.
    public var pairwise: PRF
    /// Adjusted Rand index (Hubert & Arabie).
    public var ari: Double
    /// Normalised mutual information, arithmetic-mean normalisation (scikit-learn's default).
    public var nmi: Double
    /// Number of predicted clusters.
    public var predictedClusters: Int
    /// Number of gold clusters.
    public var goldClusters: Int
}

/// Clustering comparison metrics, all computed from the contingency table in O(n) (no pair enumeration).
public enum ClusteringMetrics {
    /// Scores `predicted` against `gold`: two label arrays over the same items (labels are any hashable values).
    public static func score<P: Hashable, G: Hashable>(predicted: [P], gold: [G]) -> ClusteringScores {
        precondition(predicted.count == gold.count, "predicted and gold must label the same items")
        let n = predicted.count
        var predId: [P: Int] = [:], goldId: [G: Int] = [:]
        let p = predicted.map { x in predId[x] ?? { let v = predId.count; predId[x] = v; return v }() }
        let g = gold.map { x in goldId[x] ?? { let v = goldId.count; goldId[x] = v; return v }() }
        var predSize = [Int](repeating: 0, count: predId.count)
        var goldSize = [Int](repeating: 0, count: goldId.count)
        var cell: [Int: Int] = [:]  // p * goldCount + g → count
        for i in 0..<n {
            predSize[p[i]] += 1
            goldSize[g[i]] += 1
            cell[p[i] * goldId.count + g[i], default: 0] += 1
        }
        func pairs(_ m: Int) -> Double { Double(m) * Double(m - 1) / 2 }
        // B-cubed: item i's precision is |C(i) ∩ G(i)| / |C(i)|; summing over the items of a cell gives m²/|C|.
        var bp = 0.0, br = 0.0, together = 0.0
        for (key, m) in cell {
            let pc = key / goldId.count, gc = key % goldId.count
            bp += Double(m * m) / Double(predSize[pc])
            br += Double(m * m) / Double(goldSize[gc])
            together += pairs(m)
        }
        let predPairs = predSize.reduce(0.0) { $0 + pairs($1) }
        let goldPairs = goldSize.reduce(0.0) { $0 + pairs($1) }
        let bcubed = PRF(precision: n == 0 ? 1 : bp / Double(n), recall: n == 0 ? 1 : br / Double(n))
        let pairwise = PRF(precision: predPairs == 0 ? 1 : together / predPairs, recall: goldPairs == 0 ? 1 : together / goldPairs)
        // ARI.
        let total = pairs(n)
        let expected = total == 0 ? 0 : predPairs * goldPairs / total
        let maxIndex = (predPairs + goldPairs) / 2
        let ari = maxIndex == expected ? 1 : (together - expected) / (maxIndex - expected)
        // NMI with arithmetic normalisation.
        let dn = Double(n)
        var mi = 0.0
        for (key, m) in cell {
            let pc = key / goldId.count, gc = key % goldId.count
            let pm = Double(m) / dn
            mi += pm * log(Double(m) * dn / (Double(predSize[pc]) * Double(goldSize[gc])))
        }
        func entropy(_ sizes: [Int]) -> Double { sizes.reduce(0.0) { h, s in s == 0 ? h : h - Double(s) / dn * log(Double(s) / dn) } }
        let hp = entropy(predSize), hg = entropy(goldSize)
        let nmi = (hp + hg) == 0 ? 1 : max(0, mi) / ((hp + hg) / 2)
        return ClusteringScores(bcubed: bcubed, pairwise: pairwise, ari: ari, nmi: min(1, nmi),
                                predictedClusters: predId.count, goldClusters: goldId.count)
    }
}

/// One clustering error: a cluster and how its items spread over the other clustering.
public struct ClusterError: Hashable, Sendable {
    /// The cluster's label.
    public var cluster: String
    /// Items in it.
    public var size: Int
    /// (other label, items) pairs, largest first.
    public var parts: [(String, Int)]

    public static func == (a: ClusterError, b: ClusterError) -> Bool {
        a.cluster == b.cluster && a.size == b.size && a.parts.map(\.0) == b.parts.map(\.0) && a.parts.map(\.1) == b.parts.map(\.1)
    }
    public func hash(into h: inout Hasher) { h.combine(cluster); h.combine(size) }
}

extension ClusteringMetrics {
    /// The largest wrong merges (predicted clusters mixing gold clusters, by items outside their majority gold
    /// cluster) and the most split gold clusters (by items outside their largest predicted piece).
    public static func worstErrors(predicted: [String], gold: [String], limit: Int) -> (merges: [ClusterError], splits: [ClusterError]) {
        func spread(_ a: [String], _ b: [String]) -> [ClusterError] {
            var parts: [String: [String: Int]] = [:]
            for (x, y) in zip(a, b) { parts[x, default: [:]][y, default: 0] += 1 }
            return parts.compactMap { label, counts -> (Int, ClusterError)? in
                guard counts.count > 1 else { return nil }
                let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let size = counts.values.reduce(0, +)
                return (size - sorted[0].value, ClusterError(cluster: label, size: size, parts: sorted.map { ($0.key, $0.value) }))
            }
            .sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1.cluster < $1.1.cluster }
            .prefix(limit).map(\.1)
        }
        return (spread(predicted, gold), spread(gold, predicted))
    }
}
