/// 64-bit hashing for tokens and shingles: fast on short byte strings, well mixed, seeded, and stable across
/// runs and machines (so signatures and band keys can be stored and compared later).
public enum Hashing {
    /// Murmur3's 64-bit finaliser: full avalanche of a 64-bit value.
    @inlinable @inline(__always)
    public static func mix(_ v: UInt64) -> UInt64 {
        var z = v
        z ^= z >> 33
        z &*= 0xFF51_AFD7_ED55_8CCD
        z ^= z >> 33
        z &*= 0xC4CE_B9FE_1A85_EC53
        z ^= z >> 33
        return z
    }

    /// The seed of `bytes` unless one is given (token and shingle hashes are stored in states: never change it).
    @inlinable public static var byteSeed: UInt64 { 0x51_7CC1_B727_220A }

    /// Hash of a byte string, eight bytes at a time.
    @inlinable
    public static func bytes(_ b: UnsafeBufferPointer<UInt8>, seed: UInt64 = byteSeed) -> UInt64 {
        var h = seed ^ (UInt64(b.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = b.count
        guard let base = b.baseAddress else { return mix(h) }
        while i + 8 <= n {
            h = absorb(h, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            h = (h << 27) | (h >> 37)
            i += 8
        }
        let rest = n - i
        if rest > 0 {
            // The tail as one little-endian word, from at most three loads instead of a byte loop (most tokens are
            // shorter than eight bytes, so this is the common case). Overlapping bytes are equal, so OR is exact.
            let w: UInt64
            if rest >= 4 {
                let lo = UInt64(UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self))
                let hi = UInt64(UnsafeRawPointer(base + n - 4).loadUnaligned(as: UInt32.self))
                w = lo | hi << UInt64(8 * (rest - 4))
            } else {
                w = UInt64(base[i]) | UInt64(base[i + rest / 2]) << UInt64(8 * (rest / 2)) | UInt64(base[n - 1]) << UInt64(8 * (rest - 1))
            }
            h = absorb(h, w)
        }
        return mix(h)
    }

    /// One word of `bytes`' input folded into its state.
    @usableFromInline @inline(__always)
    static func absorb(_ h: UInt64, _ w: UInt64) -> UInt64 { (h ^ mix(w)) &* 0x9E37_79B9_7F4A_7C15 }

    /// `bytes(b)` for a token from `TextNormalizer.forEachToken`: one masked 8-byte load for tokens under 8 bytes
    /// (most words), which that buffer allows, instead of a call and up to three loads. Same value as `bytes`: the
    /// same start and one tail word.
    /// Internal: the over-read is only safe on `forEachToken`'s scratch, so no other caller may reach it.
    @inline(__always)
    static func token(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = b.count
        guard n > 0 && n < 8, let base = b.baseAddress else { return bytes(b) }
        let w = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self) & (UInt64.max >> UInt64(64 - 8 * n))
        return mix(absorb(byteSeed ^ (UInt64(n) &* 0x9E37_79B9_7F4A_7C15), w))
    }

    /// Order-sensitive combination of a run of hashes (a shingle of n tokens, or a whole text).
    @inlinable @inline(__always)
    public static func combine(_ h: UInt64, _ next: UInt64) -> UInt64 {
        ((h << 23) | (h >> 41)) &* 0x9E37_79B9_7F4A_7C15 ^ next
    }
}

/// SplitMix64: the deterministic generator behind MinHash permutations (same seed → same signatures everywhere).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }
    /// The generator for `seed` after `draws` calls to `next()`, in O(1): the state is a counter (seed + draws·γ),
    /// so parallel workers can each start at their own position of one stream.
    public init(seed: UInt64, skipping draws: Int) { state = seed &+ UInt64(draws) &* Self.gamma }
    /// The increment of the state per draw (2⁶⁴/φ).
    static var gamma: UInt64 { 0x9E37_79B9_7F4A_7C15 }
    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        return Hashing.mix(state)
    }
}
