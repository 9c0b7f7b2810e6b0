import Foundation
import LinearAlgebra

/// Approximate k-nearest neighbours for corpora too large for the exact tiled search (an inverted-file index, as
/// in FAISS's IVF, built from BLAS calls only).
///
/// Why: the exact search costs 2·n·c·d flops for c compared columns per row; at 1M briefs over 30 days with a
/// multi-day time band c is ~300k, ≈ 200 TFLOP at d = 400, hours on two cores. Here spherical k-means splits the rows
/// into n/`listSize` lists; every row is a member of its nearest list and looks for neighbours in its `probes`
/// nearest lists, so a row is compared with about `probes`·`listSize` others (times the time band), and each pair
/// is scored at most once (members belong to one list), by `sgemm` on gathered blocks. Rows that share a story
/// sit close together and almost always share a probed list; what it misses are weak, far neighbours.
public struct PartitionedNeighbours: Sendable {
    /// Target members per list.
    public var listSize = 1024
    /// Lists each row searches (its nearest ones). Generated 100k briefs, story B³ F1 against the exact search's
    /// 0.902: 4 probes 0.871 (1.9 s), 8 probes 0.884 (3.2 s), 16 probes 0.893 (5.6 s; exact 12.8 s). Smaller lists
    /// with more probes at the same cost do not help (16 × 512: 0.884; 32 × 256: 0.886).
    public var probes = 8
    /// Spherical k-means iterations on the training sample.
    public var iterations = 8
    /// Training rows per list.
    public var samplePerList = 48
    /// Rounds of neighbour-of-neighbour refinement after the list search. One round: generated 100k story B³ F1
    /// 0.884 → 0.888 (+0.3 s), 1M 0.778 → 0.786 (+7 s); a second round adds 0.001 at 100k.
    public var refinements = 1
    /// Neighbours (and their neighbours) each refinement explores per row.
    public var explore = 8
    /// Seed for the sample and the initial centroids.
    public var seed: UInt64 = 0x1f5
    /// Creates the search with its defaults.
    public init() {}

    /// Whether `n` rows are enough for the lists (more lists than probes); below that the search is exact.
    public func applies(to n: Int) -> Bool { n / max(1, listSize) > probes }

    /// Top-`k` neighbours of each row of `z` (unit rows, self excluded), most similar first; ties go to the smaller
    /// index. With `times` (one per row), a row is only compared with rows at most `window` apart.
    /// `queries`, when given, marks the rows whose neighbours are wanted (the others keep empty lists).
    public func search(_ z: Matrix, k: Int, times: [Double]? = nil, window: Double = .infinity, queries queriesWanted: [Bool]? = nil) -> NeighbourGraph {
        let n = z.rows, d = z.columns
        let lists = n / max(1, listSize)
        let kk = max(0, min(k, n - 1))
        guard applies(to: n), kk > 0, d > 0 else {
            // Too few rows for the lists: a plain exact search (callers with times use their banded exact search).
            return NearestNeighbours.search(z, k: k, queries: queriesWanted)
        }
        let previousThreads = BLAS.threads
        BLAS.setThreads(1)
        defer { BLAS.setThreads(previousThreads) }
        let centroids = train(z, lists: lists)
        let nearest = nearestLists(z, centroids: centroids, count: probes)
        // Members per list (each row in its nearest list) and queries per list (each row in its `probes` lists),
        // both ordered by time so a time window is one contiguous range.
        func key(_ i: Int32) -> (Double, Int32) { (times?[Int(i)] ?? 0, i) }
        var members = [[Int32]](repeating: [], count: lists)
        var queries = [[Int32]](repeating: [], count: lists)
        for i in 0..<n {
            members[Int(nearest[i * probes])].append(Int32(i))
            if let wanted = queriesWanted, !wanted[i] { continue }
            for p in 0..<probes { queries[Int(nearest[i * probes + p])].append(Int32(i)) }
        }
        if times != nil {
            for l in 0..<lists {
                members[l].sort { key($0) < key($1) }
                queries[l].sort { key($0) < key($1) }
            }
        }
        var indices = [Int32](repeating: -1, count: n * kk)
        var sims = [Float](repeating: -.infinity, count: n * kk)
        var filled = [Int32](repeating: 0, count: n)
        let stripes = 1024
        let locks = (0..<stripes).map { _ in NSLock() }
        // Largest lists first so the two workers finish together.
        let work: [Int] = (0..<lists).map { members[$0].count * queries[$0].count }
        let order: [Int] = (0..<lists).sorted { work[$0] != work[$1] ? work[$0] > work[$1] : $0 < $1 }
        let queryBlock = 256
        indices.withUnsafeMutableBufferPointer { idx in
            sims.withUnsafeMutableBufferPointer { sim in
                filled.withUnsafeMutableBufferPointer { fill in
                    z.values.withUnsafeBufferPointer { zv in
                        DispatchQueue.concurrentPerform(iterations: lists) { t in
                            let l = order[t]
                            let mem = members[l], qs = queries[l]
                            guard !mem.isEmpty, !qs.isEmpty else { return }
                            var mBuf = [Float](repeating: 0, count: mem.count * d)
                            var qBuf = [Float](repeating: 0, count: min(queryBlock, qs.count) * d)
                            var tile = [Float](repeating: 0, count: min(queryBlock, qs.count) * mem.count)
                            let memTimes = mem.map { times?[Int($0)] ?? 0 }
                            mBuf.withUnsafeMutableBufferPointer { mb in
                                for (r, i) in mem.enumerated() {
                                    (mb.baseAddress! + r * d).update(from: zv.baseAddress! + Int(i) * d, count: d)
                                }
                            }
                            var q0 = 0
                            while q0 < qs.count {
                                let q1 = min(qs.count, q0 + queryBlock), rows = q1 - q0
                                var lo = 0, hi = mem.count
                                if times != nil {
                                    lo = NearestNeighbours.lowerBound(memTimes, times![Int(qs[q0])] - window)
                                    hi = NearestNeighbours.lowerBound(memTimes, times![Int(qs[q1 - 1])] + window + 0.001)
                                }
                                let cols = hi - lo
                                if cols > 0 {
                                    qBuf.withUnsafeMutableBufferPointer { qb in
                                        for r in 0..<rows {
                                            (qb.baseAddress! + r * d).update(from: zv.baseAddress! + Int(qs[q0 + r]) * d, count: d)
                                        }
                                    }
                                    qBuf.withUnsafeBufferPointer { qb in
                                        mBuf.withUnsafeBufferPointer { mb in
                                            tile.withUnsafeMutableBufferPointer { tb in
                                                BLAS.gemm(m: rows, n: cols, k: d, a: qb.baseAddress!, lda: d,
                                                          b: mb.baseAddress! + lo * d, ldb: d, transposeB: true,
                                                          c: tb.baseAddress!, ldc: cols)
                                                for r in 0..<rows {
                                                    let i = Int(qs[q0 + r])
                                                    let row = tb.baseAddress! + r * cols
                                                    let lock = locks[i % stripes]
                                                    lock.lock()
                                                    let topS = sim.baseAddress! + i * kk, topI = idx.baseAddress! + i * kk
                                                    // The block's column range is the union of its rows' windows;
                                                    // each row keeps only partners within its own.
                                                    // Sixteen columns at a time against the row's current k-th
                                                    // best: most of a tile is below it (as in the exact search).
                                                    let ti = times?[i] ?? 0
                                                    var fl: Float = Int(fill[i]) < kk ? -.infinity : topS[kk - 1]
                                                    var c = 0
                                                    while c < cols {
                                                        if c + 16 <= cols, NearestNeighbours.max16(row + c) < fl { c += 16; continue }
                                                        let end = min(cols, c + 16)
                                                        while c < end {
                                                            let s = row[c]
                                                            if s >= fl {  // equal may still win on the smaller index
                                                                let j = mem[lo + c]
                                                                if Int(j) != i && (times == nil || abs(memTimes[lo + c] - ti) <= window) {
                                                                    NearestNeighbours.insert(s, j, topS, topI, kk, &fill[i])
                                                                    fl = Int(fill[i]) < kk ? -.infinity : topS[kk - 1]
                                                                }
                                                            }
                                                            c += 1
                                                        }
                                                    }
                                                    lock.unlock()
                                                }
                                            }
                                        }
                                    }
                                }
                                q0 = q1
                            }
                        }
                    }
                }
            }
        }
        var graph = NeighbourGraph(k: kk, indices: indices, similarities: sims)
        for _ in 0..<refinements { graph = refine(graph, z, times: times, window: window, queries: queriesWanted) }
        return graph
    }

    /// One round of neighbour-of-neighbour search (NN-descent): each row also scores the `explore` nearest
    /// neighbours of its `explore` nearest neighbours. A neighbour in a list the row did not probe is usually a
    /// neighbour of a neighbour that did land in one. Reads the old graph and writes a new one, so the result does not
    /// depend on thread timing.
    func refine(_ graph: NeighbourGraph, _ z: Matrix, times: [Double]?, window: Double, queries: [Bool]? = nil) -> NeighbourGraph {
        let n = z.rows, d = z.columns, k = graph.k
        let m = min(explore, k)
        var indices = graph.indices, sims = graph.similarities
        let parts = max(1, min(n, 256))
        indices.withUnsafeMutableBufferPointer { idx in
            sims.withUnsafeMutableBufferPointer { sim in
                z.values.withUnsafeBufferPointer { zv in
                    graph.indices.withUnsafeBufferPointer { old in
                        DispatchQueue.concurrentPerform(iterations: parts) { p in
                            var seen = Set<Int32>()
                            for i in (n * p / parts)..<(n * (p + 1) / parts) {
                                if let queries, !queries[i] { continue }
                                seen.removeAll(keepingCapacity: true)
                                for r in 0..<k { let j = old[i * k + r]; if j >= 0 { seen.insert(j) } }
                                var filled = Int32(k)
                                for r in 0..<k where old[i * k + r] < 0 { filled = Int32(r); break }
                                let topS = sim.baseAddress! + i * k, topI = idx.baseAddress! + i * k
                                let zi = zv.baseAddress! + i * d
                                for a in 0..<m {
                                    let j = Int(old[i * k + a])
                                    guard j >= 0 else { break }
                                    for b in 0..<m {
                                        let c = old[j * k + b]
                                        guard c >= 0 else { break }
                                        if Int(c) == i || !seen.insert(c).inserted { continue }
                                        if let times, abs(times[i] - times[Int(c)]) > window { continue }
                                        let s = AverageLinkage.dot(zi, zv.baseAddress! + Int(c) * d, d)
                                        NearestNeighbours.insert(s, c, topS, topI, k, &filled)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return NeighbourGraph(k: k, indices: indices, similarities: sims)
    }

    /// Spherical k-means centroids (unit rows) trained on a seeded sample of `z`.
    func train(_ z: Matrix, lists: Int) -> Matrix {
        let n = z.rows, d = z.columns
        var rng = SplitMix64(seed: seed)
        // A seeded partial shuffle picks the sample; its first `lists` rows seed the centroids.
        let sampleCount = min(n, lists * samplePerList)
        var pick = Array(0..<n)
        for s in 0..<sampleCount { pick.swapAt(s, s + Int(rng.next() % UInt64(n - s))) }
        var sample = Matrix(rows: sampleCount, columns: d)
        for s in 0..<sampleCount {
            for c in 0..<d { sample.values[s * d + c] = z.values[pick[s] * d + c] }
        }
        var centroids = Matrix(rows: lists, columns: d, values: Array(sample.values[0..<(lists * d)]))
        for _ in 0..<iterations {
            let assignment = nearestLists(sample, centroids: centroids, count: 1)
            var sums = [Float](repeating: 0, count: lists * d)
            var counts = [Int](repeating: 0, count: lists)
            for s in 0..<sampleCount {
                let l = Int(assignment[s])
                counts[l] += 1
                for c in 0..<d { sums[l * d + c] += sample.values[s * d + c] }
            }
            for l in 0..<lists {
                if counts[l] == 0 {  // an empty list restarts at a random sample row
                    let s = Int(rng.next() % UInt64(sampleCount))
                    for c in 0..<d { sums[l * d + c] = sample.values[s * d + c] }
                }
                var norm: Float = 0
                for c in 0..<d { norm += sums[l * d + c] * sums[l * d + c] }
                let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                for c in 0..<d { sums[l * d + c] *= scale }
            }
            centroids.values = sums
        }
        return centroids
    }

    /// The `count` nearest centroids of every row, nearest first (`count` per row, row-major).
    func nearestLists(_ z: Matrix, centroids: Matrix, count: Int) -> [Int32] {
        let n = z.rows, d = z.columns, lists = centroids.rows
        var result = [Int32](repeating: 0, count: n * count)
        let block = 1024
        let blocks = (n + block - 1) / block
        result.withUnsafeMutableBufferPointer { out in
            z.values.withUnsafeBufferPointer { zv in
                centroids.values.withUnsafeBufferPointer { cv in
                    DispatchQueue.concurrentPerform(iterations: blocks) { b in
                        let r0 = b * block, r1 = min(n, r0 + block), rows = r1 - r0
                        var tile = [Float](repeating: 0, count: rows * lists)
                        var topS = [Float](repeating: 0, count: count)
                        var topI = [Int32](repeating: 0, count: count)
                        tile.withUnsafeMutableBufferPointer { t in
                            BLAS.gemm(m: rows, n: lists, k: d, a: zv.baseAddress! + r0 * d, lda: d,
                                      b: cv.baseAddress!, ldb: d, transposeB: true, c: t.baseAddress!, ldc: lists)
                            topS.withUnsafeMutableBufferPointer { ts in
                                topI.withUnsafeMutableBufferPointer { ti in
                                    for r in 0..<rows {
                                        var filled: Int32 = 0
                                        for c in 0..<lists {
                                            NearestNeighbours.insert(t[r * lists + c], Int32(c), ts.baseAddress!, ti.baseAddress!, count, &filled)
                                        }
                                        for p in 0..<count { out[(r0 + r) * count + p] = ti[p] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
