import Foundation

/// Settings for near-duplicate detection.
public struct DedupConfig: Hashable, Sendable {
    /// Minimum Jaccard similarity (of shingle sets) to a group's canonical brief for a brief to join it.
    public var threshold: Double = 0.8
    /// How texts are cut into shingles.
    public var shingles: ShingleConfig = .default
    /// MinHash signature length k.
    public var permutations: Int = 128
    /// MinHash seed; signatures are only comparable under the same seed.
    public var seed: UInt64 = 1
    /// LSH banding; nil chooses it from `threshold` and `permutations` (see `LSHParams.optimal`).
    public var lsh: LSHParams?
    /// Verify candidates by exact shingle Jaccard (true) or by the signature estimate alone (false, less memory).
    public var exactVerification = true
    /// Two texts that both name version numbers (`11.7`, `19.4.2`), not the same ones, are never duplicates: release
    /// notes and driver notices share their template word for word (`Deduplicator.versionKey`).
    public var versionVeto = true
    /// A pair below `threshold` is still a duplicate (an update that grew) when at least this share of the smaller
    /// brief's shingles are in the larger one and their Jaccard is at least `containmentFloor`; 0 turns it off.
    /// Needs exact verification.
    public var containment = 0.9
    /// The lowest Jaccard at which containment is considered; the banding is chosen for it, so candidates stay LSH's.
    public var containmentFloor = 0.5
    /// The smaller brief needs this many shingles for containment to count: a one-line text is contained in anything.
    public static let containmentMinShingles = 20

    /// The default settings.
    public init() {}

    /// How far below the threshold a signature estimate may fall before a candidate is dropped without an exact
    /// check: 0.25 at k = 128, scaled by √(128/k) so it stays about seven standard errors wide.
    public var preFilterMargin: Double { 0.25 * (128 / Double(permutations)).squareRoot() }

    /// Whether containment is in effect.
    public var usesContainment: Bool { containment > 0 && exactVerification && containmentFloor < threshold }

    /// The lowest Jaccard a duplicate can have: the threshold, or the containment floor.
    public var lowestSimilarity: Double { usesContainment ? containmentFloor : threshold }

    /// The banding in effect: chosen for the lowest similarity a duplicate can have.
    public var effectiveLSH: LSHParams { lsh ?? LSHParams.optimal(threshold: lowestSimilarity, permutations: permutations) }

    /// Everything stored signatures and band keys depend on, as a string a state records: a night may look up new
    /// briefs among stored band keys only when this is unchanged.
    public var stateKey: String {
        let b = effectiveLSH
        return "t=\(threshold) \(shingles.kind.rawValue)\(shingles.size) k=\(permutations) seed=\(seed) \(b.bands)x\(b.rows) exact=\(exactVerification)"
            + (versionVeto ? " versions" : "") + (usesContainment ? " contains=\(containment)@\(containmentFloor)" : "")
    }
}

/// One group of duplicates: a canonical brief and the briefs that repeat it.
public struct DuplicateGroup: Hashable, Sendable {
    /// Index (into the input) of the canonical brief.
    public var canonical: Int
    /// Indices of all members, canonical first, then in canonical order.
    public var members: [Int]
    /// The lowest Jaccard similarity of a member to the canonical brief.
    public var minSimilarity: Double
}

/// Everything deduplication found.
public struct DedupResult: Sendable {
    /// Groups of two or more briefs, ordered by their canonical brief's input position.
    public var groups: [DuplicateGroup]
    /// For every input brief, the index of its canonical brief (itself when it is canonical or unique).
    public var canonicalOf: [Int]
    /// For every input brief, its Jaccard similarity to its canonical brief (1 for canonical briefs).
    public var similarity: [Double]
    /// Counters and timings for reports and benchmarks.
    public var stats: DedupStats

    /// Indices of canonical (or unique) briefs, in input order: the briefs that go on to story clustering.
    public var canonicalIndices: [Int] { canonicalOf.indices.filter { canonicalOf[$0] == $0 } }
}

/// Counters and timings of one deduplication run.
public struct DedupStats: Hashable, Sendable {
    /// Briefs in.
    public var briefs = 0
    /// Briefs that are exact copies (after normalisation) of another.
    public var exactDuplicates = 0
    /// Candidate pairs LSH produced.
    public var candidatePairs = 0
    /// Candidate pairs that passed verification.
    public var verifiedPairs = 0
    /// Briefs folded into a group as non-canonical members.
    public var duplicatesRemoved = 0
    /// The banding used.
    public var bands = 0
    /// Rows per band.
    public var rows = 0
    /// Memory held per brief for signatures, averaged: 4·k bytes where signatures are kept (nightly runs store
    /// them); a one-shot dedup keeps only the band keys (8 bytes a band) plus the signatures it re-makes for briefs
    /// in candidate pairs.
    public var signatureBytesPerBrief = 0
    /// Average memory per brief held by stored shingles.
    public var shingleBytesPerBrief = 0.0
    /// Seconds spent normalising, shingling and signing.
    public var signSeconds = 0.0
    /// Seconds spent on band keys and candidate pairs.
    public var lshSeconds = 0.0
    /// Seconds spent verifying and grouping.
    public var groupSeconds = 0.0
}

/// Signatures and shingle sets of a shard of texts: the per-partition output of the sign stage.
public struct SketchBatch: Sendable {
    /// Number of texts.
    public var count: Int
    /// Signature length k.
    public var permutations: Int
    /// n × k signature values, row-major.
    public var signatures: [UInt32]
    /// Sorted shingle sets, concatenated per worker chunk (not copied into one array: that cost 48 MB per 100k).
    public var shingleChunks: [[UInt64]]
    /// Chunk, start within it and length of each text's shingle set.
    public var chunkOf: [Int32], starts: [Int32], counts: [Int32]
    /// Exact-duplicate key of each text (hash of its normalised token sequence).
    public var exactKeys: [UInt64]
    /// Each text's `Deduplicator.versionKey` (all 0 when the veto is off).
    public var versionKeys: [UInt64] = []

    /// Number of distinct shingles of text `i`.
    public func shingleCount(_ i: Int) -> Int { Int(counts[i]) }
    /// Calls `body` with text `i`'s sorted shingle set.
    public func withShingles<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt64>) -> R) -> R {
        shingleChunks[Int(chunkOf[i])].withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[Int(starts[i])..<Int(starts[i] + counts[i])]))
        }
    }
    /// The shingle set of text `i`.
    public func shingleSet(_ i: Int) -> ArraySlice<UInt64> {
        shingleChunks[Int(chunkOf[i])][Int(starts[i])..<Int(starts[i] + counts[i])]
    }
    /// The signature of text `i`.
    public func signature(_ i: Int) -> ArraySlice<UInt32> { signatures[(i * permutations)..<((i + 1) * permutations)] }
}

/// Exact and near-duplicate detection: strip boilerplate → shingle → MinHash → LSH → verify → group.
public struct Deduplicator: Sendable {
    /// The settings in use.
    public var config: DedupConfig

    /// Creates a deduplicator.
    public init(config: DedupConfig = DedupConfig()) {
        precondition(config.threshold > 0 && config.threshold <= 1, "threshold must be in (0, 1]")
        let lsh = config.effectiveLSH
        // Band keys read bands × rows signature values: more than k would read past each signature.
        precondition(lsh.bands * lsh.rows <= config.permutations,
                     "LSH \(lsh.bands)x\(lsh.rows) needs \(lsh.bands * lsh.rows) signature values; permutations is \(config.permutations)")
        self.config = config
    }

    /// Signs a shard of texts on all cores (boilerplate is stripped here).
    /// - Complexity: O(total tokens · k / 8) vector steps; memory 4·k bytes per text plus its shingles.
    public func sketch(_ texts: [String]) -> SketchBatch { sketch(texts, banding: nil).batch }

    /// Signs a shard and cuts each signature into the band keys of the banding in effect (`bands` per text,
    /// row-major): what a distributed job shuffles on. Signatures are kept only when asked for.
    public func bandKeys(_ texts: [String], keepSignatures: Bool = false) -> (batch: SketchBatch, keys: [UInt64]) {
        let lsh = config.effectiveLSH
        guard keepSignatures else { return sketch(texts, banding: lsh) }
        let batch = sketch(texts, banding: nil).batch
        var keys = [UInt64](repeating: 0, count: texts.count * lsh.bands)
        batch.signatures.withUnsafeBufferPointer { sig in
            keys.withUnsafeMutableBufferPointer { out in
                for i in 0..<texts.count { lsh.bandKeys(sig.baseAddress! + i * batch.permutations, into: out.baseAddress! + i * lsh.bands) }
            }
        }
        return (batch, keys)
    }

    /// `sketch`, or with `banding`: each signature is cut into band keys while it is still in cache and not kept
    /// (the batch's `signatures` are empty), which is all a one-shot dedup needs of most of them. 51 MB of
    /// signatures per 100k briefs were written only to be banded; verification re-signs its few candidates.
    func sketch(_ texts: [String], banding: LSHParams?) -> (batch: SketchBatch, keys: [UInt64]) {
        let n = texts.count
        let k = config.permutations
        let hasher = MinHasher(permutations: k, seed: config.seed)
        let bands = banding?.bands ?? 0
        var bandKeys = [UInt64](unsafeUninitializedCapacity: n * bands) { _, count in count = n * bands }
        // Every row is written by `sign` (all .max for an empty set), so the storage starts uninitialised:
        // filling 51 MB per 100k briefs first would only touch every page twice.
        let kept = banding == nil ? n * k : 0
        var signatures = [UInt32](unsafeUninitializedCapacity: kept) { _, count in count = kept }
        var exactKeys = [UInt64](repeating: 0, count: n)
        let chunks = n == 0 ? 0 : min(n, max(1, ProcessInfo.processInfo.activeProcessorCount) * 8)
        var chunkShingles = [[UInt64]](repeating: [], count: chunks)
        var chunkOf = [Int32](repeating: 0, count: n), starts = [Int32](repeating: 0, count: n), counts = [Int32](repeating: 0, count: n)
        let shingleConfig = config.shingles
        bandKeys.withUnsafeMutableBufferPointer { bandOut in
            signatures.withUnsafeMutableBufferPointer { sig in
                exactKeys.withUnsafeMutableBufferPointer { keys in
                    chunkShingles.withUnsafeMutableBufferPointer { outShingles in
                        chunkOf.withUnsafeMutableBufferPointer { chunkOf in
                            starts.withUnsafeMutableBufferPointer { starts in
                                counts.withUnsafeMutableBufferPointer { counts in
                                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                                        let lo = n * c / chunks, hi = n * (c + 1) / chunks
                                        var shingler = Shingler(shingleConfig)
                                        var local: [UInt64] = []
                                        local.reserveCapacity((hi - lo) * 64)
                                        var scratch = [UInt32](repeating: 0, count: banding == nil ? 0 : k)
                                        for i in lo..<hi {
                                            let start = local.count
                                            keys[i] = shingler.shingles(of: Boilerplate.strip(texts[i]), into: &local)
                                            local.withUnsafeBufferPointer { all in
                                                let set = UnsafeBufferPointer(rebasing: all[start...])
                                                if let banding {
                                                    scratch.withUnsafeMutableBufferPointer { row in
                                                        hasher.sign(set, into: row.baseAddress!)
                                                        banding.bandKeys(row.baseAddress!, into: bandOut.baseAddress! + i * bands)
                                                    }
                                                } else {
                                                    hasher.sign(set, into: sig.baseAddress! + i * k)
                                                }
                                            }
                                            chunkOf[i] = Int32(c)
                                            starts[i] = Int32(start)
                                            counts[i] = Int32(local.count - start)
                                        }
                                        outShingles[c] = local
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var versionKeys = [UInt64](repeating: 0, count: n)
        if config.versionVeto && n > 0 {
            let parts = min(n, ProcessInfo.processInfo.activeProcessorCount * 4)
            versionKeys.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: parts) { c in
                    for i in (n * c / parts)..<(n * (c + 1) / parts) { out[i] = Self.versionKey(texts[i]) }
                }
            }
        }
        return (SketchBatch(count: n, permutations: k, signatures: signatures, shingleChunks: chunkShingles,
                            chunkOf: chunkOf, starts: starts, counts: counts, exactKeys: exactKeys, versionKeys: versionKeys), bandKeys)
    }

    /// Deduplicates briefs; canonical order is earliest published, then longest text, then smallest id.
    public func run(_ briefs: [Brief]) -> DedupResult {
        let order = Deduplicator.canonicalOrder(briefs)
        return run(texts: briefs.map(\.text), order: order)
    }

    /// Deduplicates texts given the canonical priority `order` (a permutation of the indices, best first).
    public func run(texts: [String], order: [Int]) -> DedupResult {
        let n = texts.count
        var stats = DedupStats()
        stats.briefs = n
        let lsh = config.effectiveLSH
        stats.bands = lsh.bands
        stats.rows = lsh.rows
        var clock = Date()
        let (batch, allKeys) = sketch(texts, banding: lsh)
        stats.signSeconds = Date().timeIntervalSince(clock)
        stats.shingleBytesPerBrief = n == 0 ? 0 : Double(batch.counts.reduce(0) { $0 + Int($1) } * 8) / Double(n)
        guard n > 0 else { return DedupResult(groups: [], canonicalOf: [], similarity: [], stats: stats) }

        // rank[i]: position of brief i in canonical priority (0 = best).
        var rank = [Int](repeating: 0, count: n)
        for (r, i) in order.enumerated() { rank[i] = r }

        // Exact duplicates first: one representative (the best-ranked) per normalised text.
        clock = Date()
        var exactRep = [Int](repeating: -1, count: n)
        // Open addressing on the exact key, which is already a mixed 64-bit hash: a Dictionary re-hashed every key
        // with SipHash and took 6–10 ms of serial time per 100k briefs.
        var capacity = 16
        while capacity < 2 * n { capacity <<= 1 }
        let mask = capacity - 1
        var slotKey = [UInt64](repeating: 0, count: capacity)
        var slotRep = [Int](repeating: -1, count: capacity)
        for i in order {
            if batch.counts[i] == 0 { exactRep[i] = i; continue }  // empty text: never a duplicate
            let key = batch.exactKeys[i]
            var slot = Int(truncatingIfNeeded: key) & mask
            while slotRep[slot] >= 0 && slotKey[slot] != key { slot = (slot + 1) & mask }
            if slotRep[slot] >= 0 {
                exactRep[i] = slotRep[slot]
                stats.exactDuplicates += 1
            } else {
                slotKey[slot] = key
                slotRep[slot] = i
                exactRep[i] = i
            }
        }
        // Representatives, in canonical order, go through LSH.
        let reps = order.filter { exactRep[$0] == $0 && batch.counts[$0] > 0 }
        let bands = lsh.bands
        let candidates = allKeys.withUnsafeBufferPointer { keys in
            reps.withUnsafeBufferPointer { rows in CandidateFinder.pairs(keys: keys, rows: rows, bands: bands) }
        }
        stats.candidatePairs = candidates.count
        stats.lshSeconds = Date().timeIntervalSince(clock)

        // Verify candidates in parallel; keep (repIndexA, repIndexB, similarity) for pairs at or over threshold.
        clock = Date()
        let (verified, signed) = verify(candidates, reps: reps, batch: batch)
        stats.verifiedPairs = verified.count
        stats.signatureBytesPerBrief = (8 * lsh.bands * n + 4 * config.permutations * signed + n - 1) / n

        // Group without chaining: walk representatives best-first; an unassigned one becomes canonical and
        // takes its unassigned verified neighbours, each of which is within the threshold of it by construction.
        var neighbours = [[(Int, Double)]](repeating: [], count: reps.count)
        for (a, b, s) in verified {
            neighbours[a].append((b, s))
            neighbours[b].append((a, s))
        }
        var repCanonical = [Int](repeating: -1, count: reps.count)
        var repSimilarity = [Double](repeating: 1, count: reps.count)
        for r in 0..<reps.count where repCanonical[r] < 0 {
            repCanonical[r] = r
            for (m, s) in neighbours[r] where repCanonical[m] < 0 && m > r {
                repCanonical[m] = r
                repSimilarity[m] = s
            }
        }
        var canonicalOf = Array(0..<n)
        var similarity = [Double](repeating: 1, count: n)
        var repSlot = [Int](repeating: -1, count: n)
        for (r, i) in reps.enumerated() { repSlot[i] = r }
        for i in 0..<n {
            let rep = exactRep[i]
            guard repSlot[rep] >= 0 else { continue }
            let r = repSlot[rep]
            canonicalOf[i] = reps[repCanonical[r]]
            similarity[i] = repSimilarity[r]
        }
        let groups = Self.groups(canonicalOf: canonicalOf, similarity: similarity, order: order)
        stats.duplicatesRemoved = n - canonicalOf.indices.filter { canonicalOf[$0] == $0 }.count
        stats.groupSeconds = Date().timeIntervalSince(clock)
        return DedupResult(groups: groups, canonicalOf: canonicalOf, similarity: similarity, stats: stats)
    }

    /// Verifies candidate pairs (indices into `reps`: exact Jaccard when enabled, else the signature estimate);
    /// returns the verified pairs with their similarity, and how many signatures were re-made.
    func verify(_ candidates: [UInt64], reps: [Int], batch: SketchBatch) -> (pairs: [(Int, Int, Double)], signed: Int) {
        let k = config.permutations
        // The banded sketch kept no signatures: make them again for the representatives in candidate pairs only.
        var slot = [Int32](repeating: -1, count: reps.count)
        var signed: [Int] = []
        func needs(_ r: Int) {
            guard slot[r] < 0 else { return }
            slot[r] = Int32(signed.count)
            signed.append(r)
        }
        for p in candidates {
            needs(Int(p >> 32))
            needs(Int(p & 0xFFFF_FFFF))
        }
        let hasher = MinHasher(permutations: k, seed: config.seed)
        var signatures = [UInt32](repeating: 0, count: signed.count * k)
        signatures.withUnsafeMutableBufferPointer { out in
            let chunks = min(signed.count, ProcessInfo.processInfo.activeProcessorCount * 4)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for s in (signed.count * c / chunks)..<(signed.count * (c + 1) / chunks) {
                    batch.withShingles(reps[signed[s]]) { hasher.sign($0, into: out.baseAddress! + s * k) }
                }
            }
        }
        let chunks = candidates.isEmpty ? 0 : min(candidates.count, ProcessInfo.processInfo.activeProcessorCount * 4)
        var parts = [[(Int, Int, Double)]](repeating: [], count: chunks)
        parts.withUnsafeMutableBufferPointer { out in
            signatures.withUnsafeBufferPointer { sig in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let lo = candidates.count * c / chunks, hi = candidates.count * (c + 1) / chunks
                    var local: [(Int, Int, Double)] = []
                    for p in candidates[lo..<hi] {
                        let a = Int(p >> 32), b = Int(p & 0xFFFF_FFFF)
                        let i = reps[a], j = reps[b]
                        if vetoes(batch.versionKeys[i], batch.versionKeys[j]) { continue }
                        let s = verifiedSimilarity(sig.baseAddress! + Int(slot[a]) * k, sig.baseAddress! + Int(slot[b]) * k) { body in
                            batch.withShingles(i) { x in batch.withShingles(j) { y in body(x, y) } }
                        }
                        if let s { local.append((a, b, s)) }
                    }
                    out[c] = local
                }
            }
        }
        return (parts.flatMap { $0 }, signed.count)
    }

    /// Duplicate groups of two or more from each brief's canonical brief, ordered by canonical index, members in
    /// canonical `order` after the canonical brief.
    public static func groups(canonicalOf: [Int], similarity: [Double], order: [Int]) -> [DuplicateGroup] {
        var membersOf: [Int: [Int]] = [:]
        for i in order where canonicalOf[i] != i { membersOf[canonicalOf[i], default: []].append(i) }
        return membersOf.keys.sorted().map { c in
            let members = membersOf[c]!
            return DuplicateGroup(canonical: c, members: [c] + members, minSimilarity: members.map { similarity[$0] }.min() ?? 1)
        }
    }

    /// The similarity of a candidate pair if it is a duplicate, else nil: exact shingle Jaccard at or over the
    /// threshold, or over the containment floor with the smaller set contained (when enabled; after a signature
    /// pre-filter), else the signature estimate at or over the threshold. `shingles` calls its argument with both
    /// sorted shingle sets, only when they are needed.
    @inlinable
    public func verifiedSimilarity(_ x: UnsafePointer<UInt32>, _ y: UnsafePointer<UInt32>,
                                   shingles: ((UnsafeBufferPointer<UInt64>, UnsafeBufferPointer<UInt64>) -> Double) -> Double) -> Double? {
        let estimate = MinHasher.estimate(x, y, count: config.permutations)
        guard config.exactVerification else { return estimate >= config.threshold ? estimate : nil }
        // The estimate is a cheap pre-filter. Its standard error is √(J(1−J)/k): 0.25 below the threshold is
        // > 7 standard errors at k = 128, and the margin grows as 1/√k to stay that wide for shorter signatures
        // (at k = 8 it is 1: the filter is off rather than dropping true duplicates).
        if estimate < config.lowestSimilarity - config.preFilterMargin { return nil }
        let s = shingles { a, b in duplicateSimilarity(a, b) }
        return s >= 0 ? s : nil
    }

    /// Exact Jaccard of two sorted shingle sets if they are duplicates under the threshold or containment, else −1.
    @inlinable
    public func duplicateSimilarity(_ a: UnsafeBufferPointer<UInt64>, _ b: UnsafeBufferPointer<UInt64>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        let common = commonCount(a, b)
        let jaccard = Double(common) / Double(a.count + b.count - common)
        if jaccard >= config.threshold { return jaccard }
        let smaller = min(a.count, b.count)
        if config.usesContainment, jaccard >= config.containmentFloor, smaller >= DedupConfig.containmentMinShingles,
           Double(common) >= config.containment * Double(smaller) {
            return jaccard
        }
        return -1
    }

    /// Whether two texts with these version keys may not be duplicates: both name versions, not the same ones.
    @inlinable
    public func vetoes(_ a: UInt64, _ b: UInt64) -> Bool { config.versionVeto && a != 0 && b != 0 && a != b }

    /// A hash of the version numbers a text names (0 if none): tokens of digit groups joined by dots, at least two
    /// groups, unless they are written like an amount (a first group of one to three digits not starting with 0,
    /// then groups of exactly three: `1.250.000`); `11.7`, `19.4.2`, `0.210` and `10.1.112` are versions.
    /// A decimal such as `3.5` counts too: two texts differing in it are left apart, never folded.
    public static func versionKey(_ text: String) -> UInt64 {
        var found: [ArraySlice<UInt8>] = []
        var text = text
        text.withUTF8 { b in
            var k = 0
            let n = b.count
            func digit(_ i: Int) -> Bool { i < n && b[i] >= 0x30 && b[i] <= 0x39 }
            while k < n {
                // A token starts at a digit that does not continue a number or follow a dot.
                guard digit(k), k == 0 || !(digit(k - 1) || b[k - 1] == 0x2E) else { k += 1; continue }
                var e = k, groups = 0, run = 0
                // An amount: the first group 1-3 digits without a leading 0, every later group exactly 3.
                var amount = b[k] != 0x30
                while e < n {
                    if digit(e) { run += 1; e += 1; continue }
                    if b[e] == 0x2E, run > 0, digit(e + 1) {
                        if groups == 0 ? run > 3 : run != 3 { amount = false }
                        groups += 1; run = 0; e += 1; continue
                    }
                    break
                }
                if run != 3 { amount = false }
                if groups >= 1 && !amount { found.append(Array(b[k..<e])[...]) }
                k = e
            }
        }
        guard !found.isEmpty else { return 0 }
        var bytesOut: [UInt8] = []
        for v in Set(found.map { Array($0) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) { bytesOut += v; bytesOut.append(0) }
        return max(1, bytesOut.withUnsafeBufferPointer { Hashing.bytes($0) })
    }

    /// Indices of `briefs` best-first for canonical choice: earliest published (unknown last), longest text, smallest id.
    public static func canonicalOrder(_ briefs: [Brief]) -> [Int] {
        // Keys are pulled out once: comparing Brief values directly would copy (retain/release) every field per comparison.
        let ranks = briefs.map(CanonicalRank.init)
        return briefs.indices.sorted { ranks[$0] < ranks[$1] }
    }
}

/// A brief's canonical priority: earliest published (unknown last), then longest text, then smallest id. The one
/// rule both a full run (`Deduplicator.canonicalOrder`) and a night's regrouping (`AppendRun`) choose canonical
/// briefs by.
struct CanonicalRank: Comparable {
    var time: Double
    var length: Int
    var id: String

    init(_ b: Brief) {
        time = b.published?.timeIntervalSince1970 ?? .infinity
        length = b.text.utf8.count
        id = b.id
    }

    static func < (x: CanonicalRank, y: CanonicalRank) -> Bool {
        if x.time != y.time { return x.time < y.time }
        if x.length != y.length { return x.length > y.length }
        return x.id < y.id
    }
}
