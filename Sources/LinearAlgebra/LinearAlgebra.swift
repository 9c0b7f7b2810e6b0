import CBLAS
import CLAPACKE

// Every call into OpenBLAS and LAPACKE goes through this file, so the C boundary stays in one place.

/// A dense row-major single-precision matrix: the value type the rest of storycluster hands to BLAS.
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public var rows: Int
    /// Number of columns.
    public var columns: Int
    /// Row-major storage, `rows * columns` values.
    public var values: [Float]

    /// Creates a `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.values = [Float](repeating: value, count: rows * columns)
    }

    /// Creates a matrix from row-major values; `values.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "matrix storage does not match its shape")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Element at row `r`, column `c`.
    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { values[r * columns + c] }
        set { values[r * columns + c] = newValue }
    }
}

/// Errors reported by LAPACK routines (`info != 0`).
public struct LinearAlgebraError: Error, CustomStringConvertible, Sendable {
    /// The LAPACK routine that failed.
    public var routine: String
    /// LAPACK's `info` value: negative = bad argument index, positive = numerical failure.
    public var info: Int32
    /// A human-readable explanation.
    public var description: String { "\(routine) failed with info=\(info)" }
}

/// Thin wrappers over the CBLAS level-3 kernels storycluster uses.
public enum BLAS {
    /// C = alpha · A · op(B) + beta · C on raw row-major buffers.
    ///
    /// - Parameters: `a` is m×k (lda = k); `b` is n×k when `transposeB` (ldb = k) else k×n (ldb = n); `c` is m×n (ldc = n).
    /// - Complexity: 2·m·n·k flops.
    @inlinable
    public static func gemm(
        m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
            beta, c, blasint(ldc))
    }

    /// Upper triangle of C = A · Aᵀ for an n×k row-major `a` (ldc = n); half the flops of `gemm`.
    @inlinable
    public static func syrk(n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard n > 0 else { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, blasint(n), blasint(k), 1, a, blasint(lda), 0, c, blasint(ldc))
    }

    /// Upper triangle of C = Aᵀ · A for an n×k row-major `a` (C is k×k, ldc = k): the Gram matrix of the columns.
    @inlinable
    public static func syrkColumns(n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard n > 0, k > 0 else { return }
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, blasint(k), blasint(n), 1, a, blasint(lda), 0, c, blasint(ldc))
    }

    /// Sets how many threads OpenBLAS may use per call; storycluster runs one call per core itself in the kNN stage.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// Number of threads OpenBLAS uses per call.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// Returns A · B (or A · Bᵀ when `transposeB`).
    public static func multiply(_ a: Matrix, _ b: Matrix, transposeB: Bool = false) -> Matrix {
        let n = transposeB ? b.rows : b.columns
        let inner = transposeB ? b.columns : b.rows
        precondition(a.columns == inner, "inner dimensions differ: \(a.columns) vs \(inner)")
        var c = Matrix(rows: a.rows, columns: n)
        guard a.rows > 0, n > 0 else { return c }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    gemm(m: a.rows, n: n, k: inner, a: pa.baseAddress!, lda: max(1, a.columns),
                         b: pb.baseAddress!, ldb: max(1, b.columns), transposeB: transposeB,
                         c: pc.baseAddress!, ldc: max(1, n))
                }
            }
        }
        return c
    }

    /// Returns the Gram matrix A · Aᵀ (both triangles filled) using `ssyrk`.
    public static func gram(_ a: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: a.rows)
        guard a.rows > 0 else { return c }
        a.values.withUnsafeBufferPointer { pa in
            c.values.withUnsafeMutableBufferPointer { pc in
                syrk(n: a.rows, k: a.columns, a: pa.baseAddress!, lda: max(1, a.columns), c: pc.baseAddress!, ldc: a.rows)
            }
        }
        for i in 0..<a.rows { for j in 0..<i { c[i, j] = c[j, i] } }
        return c
    }
}

/// Thin wrappers over the LAPACKE factorisations storycluster uses.
public enum LAPACK {
    /// Thin QR: returns Q (m×min(m,n), orthonormal columns) and R (min(m,n)×n, upper triangular) of `a`.
    ///
    /// Used to orthonormalise the range sketch of a randomized SVD.
    public static func qr(_ a: Matrix) throws -> (q: Matrix, r: Matrix) {
        let m = a.rows, n = a.columns, p = min(m, n)
        guard p > 0 else { return (Matrix(rows: m, columns: 0), Matrix(rows: 0, columns: n)) }
        var work = a.values
        var tau = [Float](repeating: 0, count: p)
        var info = LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), &work, Int32(n), &tau)
        if info != 0 { throw LinearAlgebraError(routine: "sgeqrf", info: info) }
        var r = Matrix(rows: p, columns: n)
        for i in 0..<p { for j in i..<n { r[i, j] = work[i * n + j] } }
        // sorgqr wants the reflectors in an m×p array.
        var q = Matrix(rows: m, columns: p)
        for i in 0..<m { for j in 0..<p { q[i, j] = work[i * n + j] } }
        info = LAPACKE_sorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(p), Int32(p), &q.values, Int32(p), &tau)
        if info != 0 { throw LinearAlgebraError(routine: "sorgqr", info: info) }
        return (q, r)
    }

    /// Orthonormalises the columns of a tall `a` in place by CholeskyQR2: Gram matrix (`ssyrk`), Cholesky (`spotrf`),
    /// triangular solve (`strsm`), done twice. All BLAS-3, several times faster than Householder QR on tall-skinny
    /// matrices; it needs κ(a) below ~10³ in single precision, so it returns false (leaving `a` unusable) when the
    /// Cholesky factorisation breaks down and the caller falls back to `qr`.
    public static func choleskyOrthonormalize(_ a: inout Matrix) -> Bool {
        let n = a.rows, k = a.columns
        guard n >= k, k > 0 else { return false }
        for _ in 0..<2 {
            var gram = [Float](repeating: 0, count: k * k)
            a.values.withUnsafeBufferPointer { pa in
                gram.withUnsafeMutableBufferPointer { pg in
                    BLAS.syrkColumns(n: n, k: k, a: pa.baseAddress!, lda: k, c: pg.baseAddress!, ldc: k)
                }
            }
            let info = LAPACKE_spotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(k), &gram, Int32(k))
            guard info == 0 else { return false }
            a.values.withUnsafeMutableBufferPointer { pa in
                gram.withUnsafeBufferPointer { pr in
                    cblas_strsm(CblasRowMajor, CblasRight, CblasUpper, CblasNoTrans, CblasNonUnit, blasint(n), blasint(k), 1,
                                pr.baseAddress!, blasint(k), pa.baseAddress!, blasint(k))
                }
            }
        }
        return a.values.allSatisfy { $0.isFinite }
    }

    /// Eigen-decomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as the columns of `vectors`.
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Float], vectors: Matrix) {
        precondition(a.rows == a.columns, "symmetricEigen needs a square matrix")
        let n = a.rows
        guard n > 0 else { return ([], a) }
        var v = a
        var w = [Float](repeating: 0, count: n)
        let info = LAPACKE_ssyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), Int32(n), &v.values, Int32(n), &w)
        if info != 0 { throw LinearAlgebraError(routine: "ssyevd", info: info) }
        return (w, v)
    }
}
