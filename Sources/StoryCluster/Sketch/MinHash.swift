/// Seeded k-permutation MinHash over 64-bit shingle hashes, with 32-bit signature values.
///
/// Each shingle hash is first folded and mixed to 32 bits, x = fmix32(h ⊕ h≫32); permutation i is then
/// π_i(x) = a_i·x + b_i mod 2³² with a_i odd — a bijection of the 32-bit space, so each value is a
/// permutation's image and the minimum is a MinHash. The estimate of Jaccard similarity is the fraction of
/// equal values; its standard error is √(J(1−J)/k) — 0.035 at J = 0.8, k = 128 — and the tests check it.
/// 32-bit lanes (rather than 64-bit multiply-shift) keep the inner loop at one multiply, one add and one min
/// per 16 permutations on AVX2/AVX-512. Signatures are stored flat, k values per brief (4·k bytes).
public struct MinHasher: Sendable {
    /// Number of permutations (signature length).
    public let permutations: Int
    /// Seed the permutations are drawn from.
    public let seed: UInt64
    @usableFromInline let a: [UInt32]
    @usableFromInline let b: [UInt32]

    /// Creates a hasher with `permutations` values per signature (a multiple of 8), drawn from `seed`.
    public init(permutations: Int = 128, seed: UInt64 = 1) {
        precondition(permutations > 0 && permutations % 8 == 0, "permutations must be a positive multiple of 8, got \(permutations)")
        self.permutations = permutations
        self.seed = seed
        var rng = SplitMix64(seed: seed)
        a = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: rng.next() >> 32) | 1 }
        b = (0..<permutations).map { _ in UInt32(truncatingIfNeeded: rng.next() >> 32) }
    }

    /// The 32-bit key a 64-bit shingle hash contributes (murmur3's fmix32 of its folded halves).
    @inlinable @inline(__always)
    public static func key(_ h: UInt64) -> UInt32 {
        var x = UInt32(truncatingIfNeeded: h ^ (h >> 32))
        x ^= x >> 16
        x &*= 0x85EB_CA6B
        x ^= x >> 13
        x &*= 0xC2B2_AE35
        x ^= x >> 16
        return x
    }

    /// Writes the signature of `shingles` into `out` (k values). An empty set gives all `UInt32.max`.
    ///
    /// Blocks of sixteen permutations stay in registers while the shingle keys stream past, so each shingle
    /// costs k/16 vector multiply-add-min steps and the signature is stored once.
    /// - Complexity: O(|shingles| · k).
    @inlinable
    public func sign(_ shingles: UnsafeBufferPointer<UInt64>, into out: UnsafeMutablePointer<UInt32>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, shingles.count)) { keys in
            for (i, h) in shingles.enumerated() { keys[i] = MinHasher.key(h) }
            let keys = UnsafeBufferPointer(rebasing: keys[0..<shingles.count])
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    let av = UnsafeRawPointer(pa.baseAddress!)
                    let bv = UnsafeRawPointer(pb.baseAddress!)
                    let o = UnsafeMutableRawPointer(out)
                    var block = 0
                    while block + 16 <= permutations {
                        let ma = av.loadUnaligned(fromByteOffset: block * 4, as: SIMD16<UInt32>.self)
                        let mb = bv.loadUnaligned(fromByteOffset: block * 4, as: SIMD16<UInt32>.self)
                        var m = SIMD16<UInt32>(repeating: .max)
                        for x in keys {
                            // `replace(where:)` inlines to vpminud; the stdlib's generic `pointwiseMin` stays a call.
                            let v = ma &* SIMD16(repeating: x) &+ mb
                            m.replace(with: v, where: v .< m)
                        }
                        o.storeBytes(of: m, toByteOffset: block * 4, as: SIMD16<UInt32>.self)
                        block += 16
                    }
                    if block < permutations {  // permutations is a multiple of 8: one half block may remain
                        let ma = av.loadUnaligned(fromByteOffset: block * 4, as: SIMD8<UInt32>.self)
                        let mb = bv.loadUnaligned(fromByteOffset: block * 4, as: SIMD8<UInt32>.self)
                        var m = SIMD8<UInt32>(repeating: .max)
                        for x in keys {
                            let v = ma &* SIMD8(repeating: x) &+ mb
                            m.replace(with: v, where: v .< m)
                        }
                        o.storeBytes(of: m, toByteOffset: block * 4, as: SIMD8<UInt32>.self)
                    }
                }
            }
        }
    }

    /// The signature of `shingles` (convenience).
    public func signature(_ shingles: [UInt64]) -> [UInt32] {
        var out = [UInt32](repeating: 0, count: permutations)
        shingles.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { sign(s, into: $0.baseAddress!) } }
        return out
    }

    /// Estimated Jaccard similarity: the fraction of positions where two signatures agree.
    @inlinable
    public static func estimate(_ x: UnsafePointer<UInt32>, _ y: UnsafePointer<UInt32>, count k: Int) -> Double {
        var equal = 0
        for i in 0..<k where x[i] == y[i] { equal += 1 }
        return Double(equal) / Double(k)
    }

    /// Estimated Jaccard similarity of two signature arrays.
    public static func estimate(_ x: [UInt32], _ y: [UInt32]) -> Double {
        precondition(x.count == y.count, "signatures of different lengths")
        return x.withUnsafeBufferPointer { px in y.withUnsafeBufferPointer { py in estimate(px.baseAddress!, py.baseAddress!, count: x.count) } }
    }
}
