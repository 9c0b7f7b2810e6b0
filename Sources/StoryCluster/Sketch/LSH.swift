import Foundation

/// LSH banding parameters: `bands` bands of `rows` signature values each (bands · rows ≤ permutations).
///
/// Two briefs with Jaccard similarity s share at least one band key with probability 1 − (1 − s^r)^b.
public struct LSHParams: Hashable, Sendable {
    /// Number of bands b.
    public var bands: Int
    /// Signature values per band r.
    public var rows: Int

    /// Creates explicit parameters.
    public init(bands: Int, rows: Int) {
        precondition(bands > 0 && rows > 0, "bands and rows must be positive")
        self.bands = bands
        self.rows = rows
    }

    /// Probability that a pair with similarity `s` becomes a candidate: 1 − (1 − s^r)^b.
    public func candidateProbability(_ s: Double) -> Double { 1 - pow(1 - pow(s, Double(rows)), Double(bands)) }

    /// Chooses b and r (b·r ≤ `permutations`) minimising w_fp·FP + w_fn·FN, where FP = ∫₀ᵗ P(s) ds and
    /// FN = ∫ₜ¹ (1 − P(s)) ds — datasketch's `_optimal_param`, integrated with the midpoint rule.
    ///
    /// The defaults weigh false negatives 49 to 1: every candidate is verified exactly afterwards, so a false
    /// positive costs one ~100 ns set comparison while a false negative is a duplicate lost for good. At
    /// t = 0.8, k = 128 this gives b = 17, r = 7 (P(0.8) = 0.982; datasketch's even weights give 9 × 13, P(0.8) = 0.40).
    public static func optimal(threshold t: Double, permutations k: Int, falsePositiveWeight: Double = 0.02, falseNegativeWeight: Double = 0.98) -> LSHParams {
        // At t = 1 the false-negative integral is empty: the search then minimises false positives alone (one band of
        // all rows), which still pairs every two identical shingle sets.
        precondition(t > 0 && t <= 1, "threshold must be in (0, 1], got \(t)")
        // The search takes 8 ms at k = 128 and every Deduplicator asks for it: remember each answer.
        let key = [t, Double(k), falsePositiveWeight, falseNegativeWeight]
        optimalLock.lock()
        defer { optimalLock.unlock() }
        if let known = optimalCache[key] { return known }
        let found = search(threshold: t, permutations: k, falsePositiveWeight: falsePositiveWeight, falseNegativeWeight: falseNegativeWeight)
        optimalCache[key] = found
        return found
    }

    static let optimalLock = NSLock()
    nonisolated(unsafe) static var optimalCache: [[Double]: LSHParams] = [:]

    /// The search behind `optimal`.
    static func search(threshold t: Double, permutations k: Int, falsePositiveWeight: Double, falseNegativeWeight: Double) -> LSHParams {
        func integrate(_ f: (Double) -> Double, _ a: Double, _ b: Double) -> Double {
            let n = 200
            let h = (b - a) / Double(n)
            var sum = 0.0
            for i in 0..<n { sum += f(a + (Double(i) + 0.5) * h) }
            return sum * h
        }
        var best = LSHParams(bands: 1, rows: k)
        var bestError = Double.infinity
        for b in 1...k {
            for r in 1...(k / b) {
                let p = LSHParams(bands: b, rows: r)
                let fp = integrate(p.candidateProbability, 0, t)
                let fn = integrate({ 1 - p.candidateProbability($0) }, t, 1)
                let error = falsePositiveWeight * fp + falseNegativeWeight * fn
                if error < bestError - 1e-12 { bestError = error; best = p }
            }
        }
        return best
    }

    /// Writes the `bands` keys of one signature into `out`: a hash of each band's r values and its index.
    @inlinable
    public func bandKeys(_ signature: UnsafePointer<UInt32>, into out: UnsafeMutablePointer<UInt64>) {
        for band in 0..<bands {
            var h = UInt64(band) &* 0x9E37_79B9_7F4A_7C15
            let base = band * rows
            for j in 0..<rows { h = Hashing.combine(h, UInt64(signature[base + j])) }
            out[band] = Hashing.mix(h)
        }
    }
}

/// Finds candidate pairs: items that share a band key in at least one band.
public enum CandidateFinder {
    /// Returns sorted, distinct pairs `i << 32 | j` (i < j) of rows of `keys` (n × bands, row-major) that share a key.
    ///
    /// One open-addressing table per band (bands run in parallel). A bucket that grows past `maxBucket`
    /// members pairs each newcomer with its first `maxBucket` members only, which bounds the work on
    /// degenerate inputs (thousands of identical boilerplate briefs) at O(n · maxBucket).
    public static func pairs(keys: [UInt64], count n: Int, bands: Int, maxBucket: Int = 256) -> [UInt64] {
        guard n > 1 else { return [] }
        precondition(keys.count == n * bands, "keys must hold n × bands values")
        return keys.withUnsafeBufferPointer { k in pairs(n: n, bands: bands, maxBucket: maxBucket) { i, band in k[i * bands + band] } }
    }

    /// All bands' pairs, sorted and without repeats.
    static func merged(_ perBand: [[UInt64]]) -> [UInt64] {
        var all: [UInt64] = []
        all.reserveCapacity(perBand.reduce(0) { $0 + $1.count })
        for p in perBand { all.append(contentsOf: p) }
        all.sort()
        var w = 0
        for r in 0..<all.count where r == 0 || all[r] != all[w - 1] {
            all[w] = all[r]
            w += 1
        }
        all.removeLast(all.count - w)
        return all
    }

    /// `pairs` over the key rows `rows` of a brief-ordered key table (`bands` keys per brief): pair members are
    /// positions in `rows`, as if the rows had been gathered first.
    static func pairs(keys: UnsafeBufferPointer<UInt64>, rows: UnsafeBufferPointer<Int>, bands: Int, maxBucket: Int = 256) -> [UInt64] {
        pairs(n: rows.count, bands: bands, maxBucket: maxBucket) { i, band in keys[rows[i] * bands + band] }
    }

    /// Both entry points: each band on its own core, `key(i, band)` giving row i's key in that band.
    @inline(__always)
    static func pairs(n: Int, bands: Int, maxBucket: Int, key: (Int, Int) -> UInt64) -> [UInt64] {
        guard n > 1 else { return [] }
        var perBand = [[UInt64]](repeating: [], count: bands)
        perBand.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: bands) { band in
                out[band] = bandPairs(n: n, maxBucket: maxBucket) { key($0, band) }
            }
        }
        return merged(perBand)
    }

    @inline(__always)
    static func bandPairs(n: Int, maxBucket: Int, key keyOf: (Int) -> UInt64) -> [UInt64] {
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        let mask = capacity - 1
        var slotKey = [UInt64](repeating: 0, count: capacity)
        var slotHead = [Int32](repeating: -1, count: capacity)  // first member of the bucket
        var slotTail = [Int32](repeating: -1, count: capacity)
        var next = [Int32](repeating: -1, count: n)  // members of a bucket in insertion order
        var pairs: [UInt64] = []
        for i in 0..<n {
            let key = keyOf(i)
            var s = Int(truncatingIfNeeded: key) & mask
            while slotHead[s] >= 0 && slotKey[s] != key { s = (s + 1) & mask }
            if slotHead[s] < 0 {
                slotKey[s] = key
                slotHead[s] = Int32(i)
                slotTail[s] = Int32(i)
                continue
            }
            var m = slotHead[s]
            var seen = 0
            while m >= 0 && seen < maxBucket {
                pairs.append(UInt64(m) << 32 | UInt64(i))
                m = next[Int(m)]
                seen += 1
            }
            next[Int(slotTail[s])] = Int32(i)
            slotTail[s] = Int32(i)
        }
        return pairs
    }
}
