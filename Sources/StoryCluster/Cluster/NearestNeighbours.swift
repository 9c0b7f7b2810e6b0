import Foundation
import LinearAlgebra

/// The k nearest neighbours of every row, by dot product (cosine for unit rows).
public struct NeighbourGraph: Sendable {
    /// Neighbours kept per row.
    public var k: Int
    /// `indices[i*k ..< (i+1)*k]`: row i's neighbours, most similar first (−1 pads rows with fewer).
    public var indices: [Int32]
    /// Similarities alongside `indices`.
    public var similarities: [Float]

    /// The graph of each row's first `count` neighbours (the graph itself when it keeps no more).
    public func prefix(_ count: Int) -> NeighbourGraph {
        guard k > count else { return self }
        let n = indices.count / max(1, k)
        return NeighbourGraph(k: count, indices: (0..<n).flatMap { i in indices[(i * k)..<(i * k + count)] },
                              similarities: (0..<n).flatMap { i in similarities[(i * k)..<(i * k + count)] })
    }

    /// Neighbour `r` of row `i` and its similarity, or nil past the end.
    public func neighbour(_ i: Int, _ r: Int) -> (Int, Float)? {
        let j = indices[i * k + r]
        return j < 0 ? nil : (Int(j), similarities[i * k + r])
    }
}

/// Exact k-nearest-neighbour search with tiled `sgemm`: each tile of row block × column block is one BLAS call,
/// and only the running top k per row is kept, so memory is O(n·k + tile), never n×n.
public enum NearestNeighbours {
    /// Rows per tile. Tiles of 512 × 2048 floats (4 MB per thread) stay in cache while they are scanned: measured
    /// 580 ms for 20k × 20k × 100 against 770 ms with 1024 × 8192 tiles (Benchmarks/README.md).
    public static var rowBlock = 512
    /// Columns per tile.
    public static var columnBlock = 2048

    /// Top-`k` neighbours of each row of `z` (self excluded). Ties go to the smaller index.
    ///
    /// `columns`, when given, limits the columns a row block `[r0, r1)` is compared with (rows sorted by time and a
    /// time window make this a band around the diagonal).
    /// - Complexity: 2·n·c·d flops in BLAS plus O(n·c) compares for c columns per row; row blocks run on all
    ///   cores, one BLAS thread each.
    /// `queries`, when given, marks the rows whose neighbours are wanted: row blocks without one are skipped (their
    /// rows keep empty lists), which is what a nightly run needs when only new briefs are placed.
    public static func search(_ z: Matrix, k: Int, columns: ((Int, Int) -> Range<Int>)? = nil, queries: [Bool]? = nil) -> NeighbourGraph {
        let n = z.rows, d = z.columns
        let kk = max(0, min(k, n - 1))
        var indices = [Int32](repeating: -1, count: n * kk)
        var sims = [Float](repeating: -.infinity, count: n * kk)
        guard n > 1, kk > 0, d > 0 else { return NeighbourGraph(k: kk, indices: indices, similarities: sims) }
        let previousThreads = BLAS.threads
        BLAS.setThreads(1)
        defer { BLAS.setThreads(previousThreads) }
        let blocks = (n + rowBlock - 1) / rowBlock
        let rb = rowBlock, cb = columnBlock
        indices.withUnsafeMutableBufferPointer { idx in
            sims.withUnsafeMutableBufferPointer { sim in
                z.values.withUnsafeBufferPointer { zv in
                    DispatchQueue.concurrentPerform(iterations: blocks) { b in
                        let r0 = b * rb, r1 = min(n, r0 + rb)
                        if let queries, !queries[r0..<r1].contains(true) { return }
                        let rows = r1 - r0
                        var tile = [Float](repeating: 0, count: rows * min(cb, n))
                        var floor = [Float](repeating: -.infinity, count: rows)  // current k-th best per row
                        var filled = [Int32](repeating: 0, count: rows)
                        let range = columns?(r0, r1) ?? 0..<n
                        tile.withUnsafeMutableBufferPointer { t in
                            var c0 = range.lowerBound
                            while c0 < range.upperBound {
                                let c1 = min(range.upperBound, c0 + cb), cols = c1 - c0
                                BLAS.gemm(m: rows, n: cols, k: d, a: zv.baseAddress! + r0 * d, lda: d,
                                          b: zv.baseAddress! + c0 * d, ldb: d, transposeB: true, c: t.baseAddress!, ldc: cols)
                                for r in 0..<rows {
                                    let i = r0 + r
                                    let row = t.baseAddress! + r * cols
                                    let topS = sim.baseAddress! + i * kk, topI = idx.baseAddress! + i * kk
                                    var fl = floor[r]
                                    var c = 0
                                    while c < cols {
                                        // Sixteen columns at a time: most rows of a tile have nothing above the floor.
                                        if c + 16 <= cols, max16(row + c) <= fl { c += 16; continue }
                                        let end = min(cols, c + 16)
                                        while c < end {
                                            let s = row[c]
                                            // Strictly greater: an equal later column never displaces an earlier one.
                                            if s > fl, c0 + c != i {
                                                insert(s, Int32(c0 + c), topS, topI, kk, &filled[r])
                                                fl = Int(filled[r]) < kk ? -.infinity : topS[kk - 1]
                                            }
                                            c += 1
                                        }
                                    }
                                    floor[r] = fl
                                }
                                c0 = c1
                            }
                        }
                    }
                }
            }
        }
        return NeighbourGraph(k: kk, indices: indices, similarities: sims)
    }

    /// The largest of 16 floats as a balanced tree of `max`: independent operations the CPU overlaps. (Swift's
    /// `SIMD16<Float> .>` compiles to a lane-by-lane loop through the stack here, 10× slower than this.)
    @inline(__always)
    static func max16(_ p: UnsafePointer<Float>) -> Float {
        let a = max(max(max(p[0], p[1]), max(p[2], p[3])), max(max(p[4], p[5]), max(p[6], p[7])))
        let b = max(max(max(p[8], p[9]), max(p[10], p[11])), max(max(p[12], p[13]), max(p[14], p[15])))
        return max(a, b)
    }

    /// The first index of sorted `values` that is not below `t`.
    static func lowerBound(_ values: [Double], _ t: Double) -> Int {
        partitionPoint(0..<values.count) { values[$0] < t }
    }

    /// Inserts (s, j) into a list of capacity k ordered by similarity descending, then index ascending: a total
    /// order, so the result does not depend on the order in which candidates are offered (worker threads in the
    /// partitioned search; in the tiled search columns come in index order, where it means ties keep the earlier).
    @inline(__always)
    static func insert(_ s: Float, _ j: Int32, _ topS: UnsafeMutablePointer<Float>, _ topI: UnsafeMutablePointer<Int32>,
                       _ k: Int, _ filled: inout Int32) {
        @inline(__always) func before(_ s1: Float, _ j1: Int32, _ s2: Float, _ j2: Int32) -> Bool {
            s1 > s2 || (s1 == s2 && j1 < j2)
        }
        if Int(filled) == k && !before(s, j, topS[k - 1], topI[k - 1]) { return }
        var pos = min(Int(filled), k - 1)
        if Int(filled) < k { filled += 1 }
        while pos > 0 && before(s, j, topS[pos - 1], topI[pos - 1]) {
            topS[pos] = topS[pos - 1]
            topI[pos] = topI[pos - 1]
            pos -= 1
        }
        topS[pos] = s
        topI[pos] = j
    }
}
