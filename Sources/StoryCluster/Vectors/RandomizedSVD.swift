import Foundation
import LinearAlgebra

/// Randomized truncated SVD (Halko, Martinsson & Tropp 2011) of a sparse TF-IDF matrix, built from sparse×dense
/// products, LAPACK QR (`sgeqrf`/`sorgqr`) and an eigendecomposition (`ssyevd`) of a small ℓ×ℓ Gram matrix.
///
/// Returns Z = X·V_d (= U_d·Σ_d, n×d, rows L2-normalised): dense rows on which cosine similarity is one sgemm.
/// ℓ = min(d + oversampling, n, V); Ω is seeded Gaussian; each power iteration re-orthonormalises, so the
/// spectrum's tail does not swamp the leading directions in float32.
public struct RandomizedSVD: Sendable {
    /// Target dimension d.
    public var dimensions = 100
    /// Extra sketch columns p.
    public var oversampling = 10
    /// Power iterations q.
    public var powerIterations = 4
    /// Seed of the Gaussian sketch.
    public var seed: UInt64 = 42

    /// Creates the reducer with default settings.
    public init() {}

    /// Embeds the rows of `x` in d dimensions (fewer when the matrix is smaller); rows are L2-normalised.
    public func embed(_ x: SparseRows) throws -> Matrix { try embedWithBasis(x).z }

    /// Embeds the rows of `x` and returns the V×d basis V_d too, so later rows can be projected into the same space
    /// (x·V_d) without refitting: what a nightly run's stored story model keeps.
    public func embedWithBasis(_ x: SparseRows) throws -> (z: Matrix, basis: Matrix) {
        let n = x.rowCount, v = x.columnCount
        let ell = min(dimensions + oversampling, n, v)
        guard ell > 0 else { return (Matrix(rows: n, columns: 0), Matrix(rows: v, columns: 0)) }
        var q = try Self.orthonormalize(Self.transposeTimesGaussian(x, columns: ell, seed: seed))  // V×ℓ = Xᵀ·Ω
        for _ in 0..<powerIterations {
            let w = try Self.orthonormalize(Self.times(x, q))               // n×ℓ
            q = try Self.orthonormalize(Self.transposeTimes(x, w))           // V×ℓ
        }
        let b = Self.times(x, q)                                            // n×ℓ
        var gram = Matrix(rows: ell, columns: ell)
        b.values.withUnsafeBufferPointer { pb in
            gram.values.withUnsafeMutableBufferPointer { pg in
                BLAS.syrkColumns(n: n, k: ell, a: pb.baseAddress!, lda: ell, c: pg.baseAddress!, ldc: ell)
            }
        }
        for i in 0..<ell { for j in 0..<i { gram[i, j] = gram[j, i] } }
        let (_, vectors) = try LAPACK.symmetricEigen(gram)                  // ascending eigenvalues
        let d = min(dimensions, ell)
        var g = Matrix(rows: ell, columns: d)
        for j in 0..<d { for i in 0..<ell { g[i, j] = vectors[i, ell - 1 - j] } }
        var vd = BLAS.multiply(q, g)                                        // V×d right singular vectors
        for j in 0..<d {
            // Sign convention: each singular vector's largest-magnitude entry is positive, for repeatable output.
            var best: Float = 0
            for i in 0..<v where abs(vd[i, j]) > abs(best) { best = vd[i, j] }
            if best < 0 { for i in 0..<v { vd[i, j] = -vd[i, j] } }
        }
        var z = Self.times(x, vd)
        z.normalizeRows()
        return (z, vd)
    }

    /// An orthonormal basis of the columns of `m`: CholeskyQR2 (BLAS-3, fast on tall-skinny sketches), falling back
    /// to Householder QR when the sketch is too ill-conditioned for it in single precision.
    static func orthonormalize(_ m: Matrix) throws -> Matrix {
        var fast = m
        if LAPACK.choleskyOrthonormalize(&fast) { return fast }
        return try LAPACK.qr(m).q
    }

    /// X·D for sparse X (n×V) and dense D (V×c).
    static func times(_ x: SparseRows, _ d: Matrix) -> Matrix {
        let c = d.columns
        var out = Matrix(rows: x.rowCount, columns: c)
        out.values.withUnsafeMutableBufferPointer { o in
            d.values.withUnsafeBufferPointer { dv in
                DispatchQueue.concurrentPerform(iterations: max(1, min(x.rowCount, 64))) { part in
                    let lo = x.rowCount * part / max(1, min(x.rowCount, 64)), hi = x.rowCount * (part + 1) / max(1, min(x.rowCount, 64))
                    for i in lo..<hi {
                        let row = o.baseAddress! + i * c
                        for k in x.rowStart[i]..<x.rowStart[i + 1] {
                            let w = x.values[k]
                            let src = dv.baseAddress! + Int(x.columns[k]) * c
                            for j in 0..<c { row[j] += w * src[j] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Xᵀ·D for sparse X (n×V) and dense D (n×c): a V×c result. Each core accumulates a slice of the rows into its
    /// own V×c buffer (scattered writes cannot be shared), then the buffers are summed.
    static func transposeTimes(_ x: SparseRows, _ d: Matrix) -> Matrix {
        d.values.withUnsafeBufferPointer { dv in
            transposeTimes(x, columns: d.columns) { i, _ in dv.baseAddress! + i * d.columns }
        }
    }

    /// Xᵀ·Ω for the seeded n×`columns` Gaussian Ω whose entries, row by row, are the SplitMix64 stream's `gaussian`
    /// draws. Each row of Ω is drawn where it is used, jumping into the stream, so no n×ℓ matrix is held (558 MB for
    /// a night's window, 1.5 GB at 1M briefs, most of it page faults and copying) and no thread waits for another.
    static func transposeTimesGaussian(_ x: SparseRows, columns c: Int, seed: UInt64) -> Matrix {
        transposeTimes(x, columns: c) { i, scratch in
            var rng = SplitMix64(seed: seed, skipping: 2 * i * c)  // two draws per value
            for j in 0..<c { scratch[j] = Float(gaussian(&rng)) }
            return UnsafePointer(scratch)
        }
    }

    /// Xᵀ·D where `row(i, scratch)` gives D's row i (a pointer into D, or `scratch` filled with it); rows of X
    /// without entries are never asked for. Each core sums its own range of rows, then the partial sums are added.
    static func transposeTimes(_ x: SparseRows, columns c: Int,
                               row: (Int, UnsafeMutablePointer<Float>) -> UnsafePointer<Float>) -> Matrix {
        let v = x.columnCount, n = x.rowCount
        let parts = n >= 4096 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        var partial = [[Float]](repeating: [], count: parts)
        partial.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                var acc = [Float](repeating: 0, count: v * c)
                var scratch = [Float](repeating: 0, count: c)
                acc.withUnsafeMutableBufferPointer { o in
                    scratch.withUnsafeMutableBufferPointer { s in
                        for i in (n * p / parts)..<(n * (p + 1) / parts) where x.rowStart[i] < x.rowStart[i + 1] {
                            let src = row(i, s.baseAddress!)
                            for k in x.rowStart[i]..<x.rowStart[i + 1] {
                                let w = x.values[k]
                                let dst = o.baseAddress! + Int(x.columns[k]) * c
                                for j in 0..<c { dst[j] += w * src[j] }
                            }
                        }
                    }
                }
                out[p] = acc
            }
        }
        var total = Matrix(rows: v, columns: c, values: partial[0])
        for p in 1..<parts {
            total.values.withUnsafeMutableBufferPointer { t in
                partial[p].withUnsafeBufferPointer { q in for j in 0..<t.count { t[j] += q[j] } }
            }
        }
        return total
    }

    /// A standard normal draw (Box–Muller).
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = (Double(rng.next() >> 11) + 0.5) / Double(1 << 53)
        let u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

extension Matrix {
    /// Scales every row to unit length (zero rows stay zero).
    public mutating func normalizeRows() {
        let c = columns
        guard c > 0 else { return }
        values.withUnsafeMutableBufferPointer { v in
            for i in 0..<rows {
                let row = v.baseAddress! + i * c
                var s: Float = 0
                for j in 0..<c { s += row[j] * row[j] }
                if s > 0 {
                    let inv = 1 / s.squareRoot()
                    for j in 0..<c { row[j] *= inv }
                }
            }
        }
    }
}
