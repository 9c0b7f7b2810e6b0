import Testing
import LinearAlgebra

@Suite struct LinearAlgebraTests {
    @Test func multiplyMatchesHandComputedProduct() {
        let a = Matrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, values: [7, 8, 9, 10, 11, 12])
        #expect(BLAS.multiply(a, b).values == [58, 64, 139, 154])
        let bt = Matrix(rows: 2, columns: 3, values: [7, 9, 11, 8, 10, 12])
        #expect(BLAS.multiply(a, bt, transposeB: true).values == [58, 64, 139, 154])
    }

    @Test func gramUsesBothTriangles() {
        let a = Matrix(rows: 3, columns: 2, values: [1, 0, 0, 1, 1, 1])
        #expect(BLAS.gram(a).values == [1, 0, 1, 0, 1, 1, 1, 1, 2])
    }

    @Test func emptyInputsReturnEarly() {
        let a = Matrix(rows: 0, columns: 3)
        let b = Matrix(rows: 3, columns: 2, values: [1, 2, 3, 4, 5, 6])
        #expect(BLAS.multiply(a, b).rows == 0)
        #expect(BLAS.gram(a).values.isEmpty)
    }

    @Test func qrReconstructsAndIsOrthonormal() throws {
        // A = [[3, 1], [4, 2], [0, 5]]: R's first row is |col1| = 5 and (3·1 + 4·2)/5 = 2.2, up to sign.
        let a = Matrix(rows: 3, columns: 2, values: [3, 1, 4, 2, 0, 5])
        let (q, r) = try LAPACK.qr(a)
        #expect(abs(abs(r[0, 0]) - 5) < 1e-5)
        #expect(abs(abs(r[0, 1]) - 2.2) < 1e-5)
        #expect(r[1, 0] == 0)
        let qr = BLAS.multiply(q, r)
        for (x, y) in zip(qr.values, a.values) { #expect(abs(x - y) < 1e-5) }
        let qtq = BLAS.multiply(Matrix(rows: 2, columns: 3, values: transpose(q)), q)
        for i in 0..<2 { for j in 0..<2 { #expect(abs(qtq[i, j] - (i == j ? 1 : 0)) < 1e-5) } }
    }

    @Test func symmetricEigenOfKnownMatrix() throws {
        let (values, vectors) = try LAPACK.symmetricEigen(Matrix(rows: 2, columns: 2, values: [2, 1, 1, 2]))
        #expect(abs(values[0] - 1) < 1e-5 && abs(values[1] - 3) < 1e-5)
        // The eigenvector of 3 is (1, 1)/√2 up to sign.
        #expect(abs(abs(vectors[0, 1]) - 0.70710677) < 1e-5 && abs(vectors[0, 1] - vectors[1, 1]) < 1e-5)
    }

    func transpose(_ m: Matrix) -> [Float] {
        var out = [Float](repeating: 0, count: m.values.count)
        for i in 0..<m.rows { for j in 0..<m.columns { out[j * m.rows + i] = m[i, j] } }
        return out
    }
}

@Suite struct CholeskyQRTests {
    @Test func choleskyQR2GivesAnOrthonormalBasisOfTheSameSpace() {
        var rng = SeededRNG(seed: 3)
        var a = Matrix(rows: 200, columns: 12)
        for i in 0..<a.values.count { a.values[i] = Float(Int.random(in: -1000...1000, using: &rng)) / 1000 }
        var q = a
        #expect(LAPACK.choleskyOrthonormalize(&q))
        let qtq = BLAS.multiply(Matrix(rows: 12, columns: 200, values: (0..<(12 * 200)).map { q[$0 % 200, $0 / 200] }), q)
        for i in 0..<12 { for j in 0..<12 { #expect(abs(qtq[i, j] - (i == j ? 1 : 0)) < 1e-4) } }
        // Same column space: projecting a onto q reproduces a.
        let qt = Matrix(rows: 12, columns: 200, values: (0..<(12 * 200)).map { q[$0 % 200, $0 / 200] })
        let projected = BLAS.multiply(q, BLAS.multiply(qt, a))
        for (x, y) in zip(projected.values, a.values) { #expect(abs(x - y) < 1e-3) }
        // Rank-deficient input: the Cholesky step breaks down and says so instead of returning garbage.
        var deficient = Matrix(rows: 50, columns: 3, values: (0..<150).map { Float($0 % 3 == 2 ? 0 : 1) })
        #expect(!LAPACK.choleskyOrthonormalize(&deficient))
    }
}
