import Foundation
import GRDB

/// The append path's duplicate stage: the new briefs' groups against the stored history, decided as a from-scratch
/// run would (see `AppendRun`).
extension AppendRun {
    /// Why the new briefs' duplicates cannot be decided here (the full path regroups the whole history).
    struct Regroup: Error, CustomStringConvertible {
        var description: String
    }

    /// Where a brief's canonical brief is: a new brief (possibly itself) or a stored one (index into `stored`).
    enum Canonical: Hashable {
        case new(Int)
        case stored(Int)
    }

    /// A stored brief met while deduplicating the new ones.
    struct StoredNode {
        var rowid: Int64
        var brief: Brief
        var story: String
        /// Its canonical brief and the similarity to it before this run.
        var canonicalId: String
        var similarity: Double
        /// Whether it was canonical before this run.
        var isCanonical: Bool { canonicalId == brief.id }
        var keys: [Int64]
        var rank: CanonicalRank
        var id: String { brief.id }
    }

    /// The new briefs' duplicate groups against the history.
    struct Duplicates {
        /// Canonical brief of each new brief.
        var canonical: [Canonical]
        /// Jaccard similarity to it (1 for canonical briefs).
        var similarity: [Double]
        /// Stored briefs met (candidates, and the members of regrouped components).
        var stored: [StoredNode]
        /// Stored briefs whose canonical brief changed: the new one and the similarity to it.
        var storedUpdate: [Int: (canonical: Canonical, similarity: Double)]
        /// For a new canonical brief that took over stored briefs, the best-ranked of them.
        var inheritedFrom: [Int: Int]
        /// The new briefs' signatures and shingles, and their band keys (`bands` per brief).
        var batch: SketchBatch
        var keys: [UInt64]
        var bands: Int
        /// Counters for the report.
        var stats: DedupStats

        /// Whether stored brief `c` is canonical after this run.
        func isCanonicalAfter(_ c: Int) -> Bool {
            if let u = storedUpdate[c] { return u.canonical == .stored(c) }
            return stored[c].isCanonical
        }
    }

    /// Groups the new briefs (and regroups the stored components they join) as a from-scratch run would.
    static func duplicates(_ fresh: [Brief], state: StateStore, deduplicator: Deduplicator) throws -> Result<Duplicates, Regroup> {
        let lsh = deduplicator.config.effectiveLSH
        let bands = lsh.bands, k = deduplicator.config.permutations
        var stats = DedupStats()
        stats.briefs = fresh.count
        stats.bands = lsh.bands
        stats.rows = lsh.rows
        stats.signatureBytesPerBrief = 4 * k
        var clock = Date()
        let batch = deduplicator.sketch(fresh.map(\.text))
        stats.signSeconds = Date().timeIntervalSince(clock)
        clock = Date()
        var keys = [UInt64](repeating: 0, count: fresh.count * bands)
        keys.withUnsafeMutableBufferPointer { out in
            batch.signatures.withUnsafeBufferPointer { sig in
                for i in fresh.indices { lsh.bandKeys(sig.baseAddress! + i * k, into: out.baseAddress! + i * bands) }
            }
        }
        let freshRank = fresh.map(CanonicalRank.init)
        // New briefs by band key (empty texts are never duplicates, as in a full run).
        var bucket: [UInt64: [Int]] = [:]
        for i in fresh.indices where batch.counts[i] > 0 {
            for b in 0..<bands { bucket[keys[i * bands + b], default: []].append(i) }
        }

        // Stored briefs are loaded on demand and re-shingled from their text (shingles are not stored: 8 bytes each).
        var nodes: [StoredNode] = []
        var nodeOf: [Int64: Int] = [:]
        var nodeSignatures: [[UInt32]] = [], nodeShingles: [[UInt64]] = [], nodeVersions: [UInt64] = []
        var stale = false
        func load(_ rowids: [Int64], _ db: Database) throws {
            let fetch = try db.cachedStatement(sql: """
                SELECT rowid, \(StateStore.briefColumns), canonical, similarity, story, band_keys, keys_checksum,
                       \(StateStore.sealedPlacement.check()) AS sealed FROM briefs WHERE rowid = ?
                """)
            var added: [Int] = []
            for rowid in rowids where nodeOf[rowid] == nil {
                guard let row = try Row.fetchOne(fetch, arguments: [rowid]) else { stale = true; continue }
                let brief = try StateStore.brief(row)
                try StateStore.requireSealed(row, "the place of brief \(brief.id)")
                nodeOf[rowid] = nodes.count
                added.append(nodes.count)
                nodes.append(StoredNode(rowid: rowid, brief: brief, story: row["story"] ?? "", canonicalId: row["canonical"] ?? brief.id,
                                        similarity: row["similarity"] ?? 1, keys: try StateStore.verifiedBandKeys(row, rowid: rowid),
                                        rank: CanonicalRank(brief)))
            }
            let sketched = deduplicator.sketch(added.map { nodes[$0].brief.text })
            for (n, _) in added.enumerated() {
                nodeSignatures.append(Array(sketched.signature(n)))
                nodeShingles.append(Array(sketched.shingleSet(n)))
                nodeVersions.append(sketched.versionKeys[n])
            }
        }
        enum Node: Hashable, Comparable { case new(Int), stored(Int) }
        func withSignature<R>(_ u: Node, _ body: (UnsafePointer<UInt32>) -> R) -> R {
            switch u {
            case .new(let i): return batch.signatures.withUnsafeBufferPointer { body($0.baseAddress! + i * k) }
            case .stored(let c): return nodeSignatures[c].withUnsafeBufferPointer { body($0.baseAddress!) }
            }
        }
        func shingleCount(_ u: Node) -> Int {
            switch u { case .new(let i): return batch.shingleCount(i); case .stored(let c): return nodeShingles[c].count }
        }
        func withShingles<R>(_ u: Node, _ body: (UnsafeBufferPointer<UInt64>) -> R) -> R {
            switch u {
            case .new(let i): return batch.withShingles(i, body)
            case .stored(let c): return nodeShingles[c].withUnsafeBufferPointer(body)
            }
        }
        // Verification as in a full run (empty texts are never duplicates there: they get no band keys).
        func verify(_ a: Node, _ b: Node) -> Double? {
            guard shingleCount(a) > 0, shingleCount(b) > 0 else { return nil }
            func version(_ u: Node) -> UInt64 {
                switch u { case .new(let i): return batch.versionKeys[i]; case .stored(let c): return nodeVersions[c] }
            }
            if deduplicator.vetoes(version(a), version(b)) { return nil }
            return withSignature(a) { x in withSignature(b) { y in
                deduplicator.verifiedSimilarity(x, y) { body in withShingles(a) { p in withShingles(b) { q in body(p, q) } } }
            } }
        }
        func rank(_ u: Node) -> CanonicalRank {
            switch u { case .new(let i): return freshRank[i]; case .stored(let c): return nodes[c].rank }
        }

        // Candidates of the new briefs: each other (shared band key) and the stored band index.
        var adjacency: [Node: [Node: Double]] = [:]
        var tested = Set<[Node]>()
        func consider(_ a: Node, _ b: Node) {
            guard a != b, tested.insert(a < b ? [a, b] : [b, a]).inserted else { return }
            stats.candidatePairs += 1
            if let s = verify(a, b) { adjacency[a, default: [:]][b] = s; adjacency[b, default: [:]][a] = s }
        }
        var storedMet: [Int64: Set<Int>] = [:]
        try state.db.read { db in
            let lookup = try db.cachedStatement(sql: StateStore.bandLookup)
            for i in fresh.indices where batch.counts[i] > 0 {
                for b in 0..<bands {
                    for rowid in try Int64.fetchAll(lookup, arguments: [Int64(bitPattern: keys[i * bands + b])]) { storedMet[rowid, default: []].insert(i) }
                }
            }
            try load(storedMet.keys.sorted(), db)
        }
        // The index entry must still be the brief's own (rowids can move if someone VACUUMs the state).
        for (rowid, met) in storedMet {
            guard let c = nodeOf[rowid] else { continue }
            let own = Set(nodes[c].keys)
            if !met.allSatisfy({ i in (0..<bands).contains { own.contains(Int64(bitPattern: keys[i * bands + $0])) } }) { stale = true }
        }
        if stale {
            try state.db.write { db in try StateStore.rebuildBandIndex(db) }
            return try duplicates(fresh, state: state, deduplicator: deduplicator)
        }
        for i in fresh.indices where batch.counts[i] > 0 {
            var others = Set<Int>()
            for b in 0..<bands { others.formUnion(bucket[keys[i * bands + b]] ?? []) }
            for j in others where j > i { consider(.new(i), .new(j)) }
        }
        for (rowid, met) in storedMet.sorted(by: { $0.key < $1.key }) { for i in met.sorted() { consider(.new(i), .stored(nodeOf[rowid]!)) } }
        let initialNodes = nodes.count

        // A new brief verified against a stored one that comes after it can change stored groups: walk that
        // component through the band index and regroup it whole.
        var seeds: [Node] = []
        for i in fresh.indices {
            if (adjacency[.new(i)] ?? [:]).keys.contains(where: { if case .stored = $0 { return rank($0) > freshRank[i] }; return false }) { seeds.append(.new(i)) }
        }
        var component = Set<Node>()
        var expanded = Set<Int>()
        var queue = seeds
        while let u = queue.popLast() {
            guard component.insert(u).inserted else { continue }
            if case .stored(let c) = u, expanded.insert(c).inserted {
                // Every candidate of a stored brief shares one of its band keys: look them all up.
                var rowids = Set<Int64>()
                try state.db.read { db in
                    let lookup = try db.cachedStatement(sql: StateStore.bandLookup)
                    for key in nodes[c].keys { rowids.formUnion(try Int64.fetchAll(lookup, arguments: [key])) }
                    rowids.remove(nodes[c].rowid)
                    try load(rowids.sorted(), db)
                }
                if nodes.count - initialNodes + expanded.count > maxComponent {
                    return .failure(Regroup(description: "a duplicate component to regroup holds more than \(maxComponent) stored briefs"))
                }
                for rowid in rowids.sorted() { if let d = nodeOf[rowid] { consider(u, .stored(d)) } }
                var news = Set<Int>()
                for key in nodes[c].keys { news.formUnion(bucket[UInt64(bitPattern: key)] ?? []) }
                for i in news.sorted() { consider(u, .new(i)) }
            }
            for v in (adjacency[u] ?? [:]).keys where !component.contains(v) { queue.append(v) }
        }
        stats.verifiedPairs = adjacency.values.reduce(0) { $0 + $1.count } / 2
        stats.lshSeconds = Date().timeIntervalSince(clock)
        clock = Date()

        // The greedy grouping of a full run: best-ranked first, an unassigned brief becomes canonical and takes its
        // unassigned verified neighbours that come after it.
        var canonical = [Canonical?](repeating: nil, count: fresh.count)
        var similarity = [Double](repeating: 1, count: fresh.count)
        var storedUpdate: [Int: (canonical: Canonical, similarity: Double)] = [:]
        var inheritedFrom: [Int: Int] = [:]
        func target(_ u: Node) -> Canonical { switch u { case .new(let i): return .new(i); case .stored(let c): return .stored(c) } }
        let regroup = component.sorted { rank($0) < rank($1) }
        var assigned: [Node: (Node, Double)] = [:]
        for u in regroup where assigned[u] == nil {
            assigned[u] = (u, 1)
            for (v, s) in adjacency[u] ?? [:] where component.contains(v) && assigned[v] == nil && rank(v) > rank(u) { assigned[v] = (u, s) }
        }
        for (u, (c, s)) in assigned {
            switch u {
            case .new(let i):
                canonical[i] = target(c)
                similarity[i] = s
            case .stored(let d):
                // Only real changes are recorded: a member that keeps its canonical brief is left as stored.
                let id: String
                switch c { case .new(let x): id = fresh[x].id; case .stored(let e): id = nodes[e].id }
                if id != nodes[d].canonicalId || abs(s - nodes[d].similarity) > 1e-12 { storedUpdate[d] = (target(c), s) }
                if case .new(let x) = c, inheritedFrom[x].map({ nodes[$0].rank > nodes[d].rank }) ?? true { inheritedFrom[x] = d }
            }
        }
        // New briefs outside regrouped components: every stored brief they meet comes before them, so the stored
        // groups stand; each joins the best-ranked canonical brief it was verified against, or becomes canonical.
        let order = Deduplicator.canonicalOrder(fresh)
        for i in order where canonical[i] == nil {
            var best: (rank: CanonicalRank, target: Canonical, s: Double)?
            for (v, s) in adjacency[.new(i)] ?? [:] {
                switch v {
                case .stored(let c) where nodes[c].isCanonical:
                    if best == nil || nodes[c].rank < best!.rank { best = (nodes[c].rank, .stored(c), s) }
                case .new(let j) where freshRank[j] < freshRank[i] && canonical[j] == .new(j):
                    if best == nil || freshRank[j] < best!.rank { best = (freshRank[j], .new(j), s) }
                default: break
                }
            }
            if let best { canonical[i] = best.target; similarity[i] = best.s } else { canonical[i] = .new(i) }
        }
        stats.duplicatesRemoved = canonical.enumerated().filter { $0.element != .new($0.offset) }.count
        stats.groupSeconds = Date().timeIntervalSince(clock)
        return .success(Duplicates(canonical: canonical.map { $0! }, similarity: similarity, stored: nodes, storedUpdate: storedUpdate,
                                   inheritedFrom: inheritedFrom, batch: batch, keys: keys, bands: bands, stats: stats))
    }
}
