import Foundation

/// Event clustering on sparse TF-IDF rows: a time-windowed cosine graph, then average linkage over it.
///
/// Measured on a real Dutch news day and stream, where most items stand alone (see `Cluster/README.md`): plain
/// cosine of weighted TF-IDF rows, pairs allowed only within `windowHours` of each other, and best-first average
/// linkage in which a pair without an edge counts as similarity 0, so a cluster grows only where most of its
/// members agree. No dimension reduction and no smoothing: both join short, generic items of unrelated events.
public struct EventLinkage: Sendable {
    /// Merge while the average similarity between two clusters is at least this (T).
    public var threshold: Float
    /// Two briefs further apart than this (hours) are never linked; nil times are not constrained.
    public var windowHours: Double
    /// Pairs below this cosine are not kept as edges: they can only lower an average.
    public var edgeFloor: Float
    /// Terms two briefs must share for an edge: one shared name makes two unrelated headlines look alike
    /// ("Twitter back online" and a comedian's joke on Twitter).
    public var minSharedTerms = 1
    /// Terms two briefs must share when both have at least `shortTerms` distinct terms: a lead paragraph can afford
    /// one more shared word as evidence, a headline cannot.
    public var minSharedTermsLong = 1
    /// Distinct terms below which a brief counts as short (a headline).
    public var shortTerms = 20
    /// Each brief keeps at most this many edges to earlier briefs of its window, the strongest (0 = all). Bounds the
    /// graph at n × this many edges whatever the arrival rate: within a window edges grow with the square of the
    /// briefs per day (1M generated briefs in 30 days: over 20 GB without it).
    public var maxEdgesPerBrief = 0
    /// A term found in more than this many earlier briefs of a brief's window proposes no candidates for it (0 = no
    /// limit); candidates found through its other terms still get their exact cosine. On a real stream no term comes
    /// near (see `Cluster/README.md`); on a crawl of 33k briefs a day the walk over such lists is quadratic in the
    /// briefs per window.
    public var commonTermBriefs = 0
    /// What a cluster pair's summed similarity is divided by.
    public var average = Average.allPairs

    /// The denominator of the linkage score.
    public enum Average: Sendable {
        /// |A|·|B|: a pair without an edge counts 0, so a cluster grows only where most members agree (events).
        case allPairs
        /// The pairs that have an edge: a long running story whose early and late parts never meet in one window
        /// can still be one cluster (threads), at the price of chaining.
        case linkedPairs
        /// The pairs within `windowHours` of each other (the pairs that could have an edge): a pair in one window
        /// without an edge counts 0, pairs too far apart to compare do not count.
        case windowPairs
    }

    /// Creates the linkage.
    public init(threshold: Float, windowHours: Double, edgeFloor: Float) {
        self.threshold = threshold
        self.windowHours = windowHours
        self.edgeFloor = edgeFloor
    }

    /// Undirected weighted edges in compressed form: `target[start[i]..<start[i+1]]` are row i's neighbours.
    public struct Graph: Sendable {
        /// Row i's edges are `start[i]..<start[i + 1]`.
        public var start: [Int]
        /// Neighbour of each edge.
        public var target: [Int32]
        /// Cosine of each edge.
        public var weight: [Float]
        /// Number of undirected edges.
        public var edgeCount: Int { target.count / 2 }
        /// Postings walks skipped because the term was in more than `commonTermBriefs` briefs of the window.
        public var commonTermSkips = 0
    }

    /// All pairs within the time window whose cosine is at least `edgeFloor`, by an inverted index swept in time
    /// order: each row meets only the earlier rows of its window that share a term with it.
    ///
    /// - Complexity: O(Σ over terms of the pairs of its postings within one window), no n×n work.
    public func graph(_ rows: SparseRows, hours: [Double?], queries: [Bool]? = nil) -> Graph {
        let n = rows.rowCount
        let timed = hours.allSatisfy { $0 != nil }
        let order = timed ? (0..<n).sorted { hours[$0]! != hours[$1]! ? hours[$0]! < hours[$1]! : $0 < $1 } : Array(0..<n)
        let time = order.map { timed ? hours[$0]! : 0 }
        let window = timed ? windowHours : .infinity
        // Postings by term, each in time order (rows are added in `order`): the part of a list inside a row's
        // window is the run just before the row's own entry.
        var postingStart = [Int](repeating: 0, count: rows.columnCount + 1)
        for c in rows.columns { postingStart[Int(c) + 1] += 1 }
        for c in 0..<rows.columnCount { postingStart[c + 1] += postingStart[c] }
        var postingRow = [Int32](repeating: 0, count: rows.columns.count)
        var postingWeight = [Float](repeating: 0, count: rows.columns.count)
        var fill = Array(postingStart.dropLast())
        for (p, i) in order.enumerated() {
            for k in rows.rowStart[i]..<rows.rowStart[i + 1] {
                let c = Int(rows.columns[k])
                postingRow[fill[c]] = Int32(p)
                postingWeight[fill[c]] = rows.values[k]
                fill[c] += 1
            }
        }
        fill = []
        let isQuery = queries.map { q in order.map { q[$0] } }
        // Rows in time order are cut into chunks, each swept on its own core with its own accumulator; a row's
        // window is found in each posting list by a cursor that only moves forward within the chunk.
        let chunks = n < 4096 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 4
        var parts = [[(Int32, Int32, Float)]](repeating: [], count: chunks)
        var skips = [Int](repeating: 0, count: chunks)
        let common = commonTermBriefs
        let floor = edgeFloor, minShared = minSharedTerms, minSharedLong = max(minSharedTerms, minSharedTermsLong)
        let perBrief = maxEdgesPerBrief, short = shortTerms
        rows.rowStart.withUnsafeBufferPointer { rowStart in
        rows.columns.withUnsafeBufferPointer { columns in
        rows.values.withUnsafeBufferPointer { values in
        postingStart.withUnsafeBufferPointer { postingStart in
        postingRow.withUnsafeBufferPointer { postingRow in
        postingWeight.withUnsafeBufferPointer { postingWeight in
        time.withUnsafeBufferPointer { time in
        parts.withUnsafeMutableBufferPointer { parts in
        skips.withUnsafeMutableBufferPointer { skips in
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let first = n * chunk / chunks, last = n * (chunk + 1) / chunks
                var accumulator = [Float](repeating: 0, count: n)
                var shared = [Int32](repeating: 0, count: n)
                var touched: [Int32] = []
                var cursor = [Int](repeating: -1, count: rows.columnCount)
                // First entry of each term's list inside the current row's window; moves forward like `cursor`.
                var low = [Int](repeating: -1, count: common > 0 ? rows.columnCount : 0)
                // This row's terms too common to walk, as (column, weight), and their weights by column.
                var busy: [(Int, Float)] = []
                var busyWeight = [Float](repeating: 0, count: common > 0 ? rows.columnCount : 0)
                var skipped = 0
                var out: [(Int32, Int32, Float)] = []
                for p in first..<last {
                    let i = order[p]
                    let query = isQuery?[p] ?? true
                    let lo = time[p] - window
                    for k in rowStart[i]..<rowStart[i + 1] {
                        let c = Int(columns[k]), w = values[k]
                        // This row's own entry in term c's list: found by binary search the first time, then the
                        // next entry each time the term comes back.
                        var own = cursor[c]
                        if own < 0 { own = partitionPoint(postingStart[c]..<postingStart[c + 1]) { Int(postingRow[$0]) < p } }
                        cursor[c] = own + 1
                        if common > 0 {
                            var l = low[c]
                            if l < 0 {
                                l = partitionPoint(postingStart[c]..<own) { time[Int(postingRow[$0])] < lo }
                            } else {
                                while l < own && time[Int(postingRow[l])] < lo { l += 1 }
                            }
                            low[c] = l
                            if own - l > common {
                                busy.append((c, w))
                                busyWeight[c] = w
                                skipped += 1
                                continue
                            }
                        }
                        var e = own - 1
                        while e >= postingStart[c] {
                            let q = Int(postingRow[e])
                            if time[q] < lo { break }
                            if query || (isQuery?[q] ?? true) {
                                if shared[q] == 0 { touched.append(Int32(q)) }
                                accumulator[q] += w * postingWeight[e]
                                shared[q] += 1
                            }
                            e -= 1
                        }
                    }
                    let before = out.count
                    for q in touched {
                        let j = order[Int(q)]
                        var s = accumulator[Int(q)]
                        let long = rowStart[i + 1] - rowStart[i] >= short && rowStart[j + 1] - rowStart[j] >= short
                        // A candidate must pass on its uncommon terms alone (completing every candidate's cosine
                        // cost more than the walks saved: generated 100k at 33k a day, 285 s against 32 s); the
                        // edge it gets carries the exact cosine.
                        if s >= floor && Int(shared[Int(q)]) >= (long ? minSharedLong : minShared) {
                            if !busy.isEmpty {
                                for k in rowStart[j]..<rowStart[j + 1] { s += busyWeight[Int(columns[k])] * values[k] }
                            }
                            out.append((Int32(j), Int32(i), s))
                        }
                        accumulator[Int(q)] = 0
                        shared[Int(q)] = 0
                    }
                    if perBrief > 0 && out.count - before > perBrief {
                        // The strongest, ties by the earlier brief: the same edges whatever the chunking.
                        let kept = out[before...].sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0 < $1.0 }.prefix(perBrief)
                        out.removeSubrange(before...)
                        out.append(contentsOf: kept)
                    }
                    touched.removeAll(keepingCapacity: true)
                    for (c, _) in busy { busyWeight[c] = 0 }
                    busy.removeAll(keepingCapacity: true)
                }
                parts[chunk] = out
                skips[chunk] = skipped
            }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        var start = [Int](repeating: 0, count: n + 1)
        for part in parts { for (a, b, _) in part { start[Int(a) + 1] += 1; start[Int(b) + 1] += 1 } }
        for i in 0..<n { start[i + 1] += start[i] }
        var next = Array(start.dropLast())
        let total = start[n]
        var target = [Int32](repeating: 0, count: total)
        var weight = [Float](repeating: 0, count: total)
        for part in parts {
            for (a, b, s) in part {
                target[next[Int(a)]] = b; weight[next[Int(a)]] = s; next[Int(a)] += 1
                target[next[Int(b)]] = a; weight[next[Int(b)]] = s; next[Int(b)] += 1
            }
        }
        return Graph(start: start, target: target, weight: weight, commonTermSkips: skips.reduce(0, +))
    }

    /// Best-first average linkage over `graph`: score(A, B) = Σ s_ij / (|A|·|B|) over edges between A and B (a pair
    /// without an edge counts 0), merging the best pair while its score is at least `threshold`. Sums of merged
    /// clusters are added (Lance–Williams), so a score is a lookup.
    ///
    /// With `initial` (a label per row, −1 = none), rows sharing a label start as one anchored cluster; two anchored
    /// clusters never merge, so a cluster holds at most one anchor (a nightly run's stored story).
    /// - Returns: per row, the smallest row index of its cluster.
    public func cluster(_ n: Int, graph: Graph, initial: [Int]? = nil, hours: [Double?]? = nil) -> [Int] {
        var parent = Array(0..<n)
        // Each cluster's member times, sorted, for `windowPairs`.
        var times: [[Double]] = average == .windowPairs ? (0..<n).map { [hours?[$0] ?? 0] } : []
        let window = windowHours
        var size = [Int](repeating: 1, count: n)
        var anchored = [Bool](repeating: false, count: n)
        // Each cluster's links as (neighbour, summed similarity, edges) sorted by neighbour: merging two is a linear
        // merge, and a lookup a binary search (a Dictionary per cluster cost 3× more at 112k briefs).
        var links = [[(Int32, Float, Int32)]](repeating: [], count: n)
        for i in 0..<n {
            var row = (graph.start[i]..<graph.start[i + 1]).map { (graph.target[$0], graph.weight[$0], Int32(1)) }
            row.sort { $0.0 < $1.0 }
            links[i] = row
        }
        func find(_ list: [(Int32, Float, Int32)], _ key: Int32) -> (found: Bool, at: Int) {
            let l = partitionPoint(0..<list.count) { list[$0].0 < key }
            return (l < list.count && list[l].0 == key, l)
        }
        func absorb(_ a: Int, _ b: Int) {
            // b into a: a's sums gain b's, and every neighbour of b now links to a instead.
            let ka = Int32(a), kb = Int32(b)
            var merged: [(Int32, Float, Int32)] = []
            merged.reserveCapacity(links[a].count + links[b].count)
            var x = 0, y = 0
            let la = links[a], lb = links[b]
            while x < la.count || y < lb.count {
                let next: (Int32, Float, Int32)
                if y == lb.count || (x < la.count && la[x].0 < lb[y].0) { next = la[x]; x += 1 }
                else if x == la.count || lb[y].0 < la[x].0 { next = lb[y]; y += 1 }
                else { next = (la[x].0, la[x].1 + lb[y].1, la[x].2 + lb[y].2); x += 1; y += 1 }
                if next.0 != ka && next.0 != kb { merged.append(next) }
            }
            for (c, s, e) in lb where c != ka {
                let ci = Int(c)
                let gone = find(links[ci], kb)
                if gone.found { links[ci].remove(at: gone.at) }
                let here = find(links[ci], ka)
                if here.found { links[ci][here.at].1 += s; links[ci][here.at].2 += e } else { links[ci].insert((ka, s, e), at: here.at) }
            }
            links[a] = merged
            links[b] = []
            if !times.isEmpty {
                var t: [Double] = []
                t.reserveCapacity(times[a].count + times[b].count)
                var x = 0, y = 0
                let ta = times[a], tb = times[b]
                while x < ta.count || y < tb.count {
                    if y == tb.count || (x < ta.count && ta[x] <= tb[y]) { t.append(ta[x]); x += 1 } else { t.append(tb[y]); y += 1 }
                }
                times[a] = t
                times[b] = []
            }
            size[a] += size[b]
            anchored[a] = anchored[a] || anchored[b]
            parent[b] = a
        }
        if let initial {
            var first: [Int: Int] = [:]
            for i in 0..<n where initial[i] >= 0 {
                anchored[i] = true
                if let root = first[initial[i]] { absorb(root, i) } else { first[initial[i]] = i }
            }
        }
        // Each cluster's best link (score, then the smaller neighbour) is kept, and the heap holds one entry per
        // cluster and change of its best: pushing every link of a grown cluster again after each merge made the heap
        // mostly stale entries (generated 100k: a third of the run in `pop`).
        var bestScore = [Float](repeating: -1, count: n)
        var bestTarget = [Int32](repeating: -1, count: n)
        var version = [Int](repeating: 0, count: n)
        var heap = MaxHeap()
        func pairsWithin(_ a: [Double], _ b: [Double]) -> Int {
            // For each time of a, the times of b in [t − W, t + W], with two cursors over the sorted lists.
            var lo = 0, hi = 0, count = 0
            for t in a {
                while lo < b.count && b[lo] < t - window { lo += 1 }
                if hi < lo { hi = lo }
                while hi < b.count && b[hi] <= t + window { hi += 1 }
                count += hi - lo
            }
            return count
        }
        func score(_ i: Int, _ c: Int, _ link: (Int32, Float, Int32)) -> Float {
            switch average {
            case .allPairs: return link.1 / Float(size[i] * size[c])
            case .linkedPairs: return link.1 / Float(link.2)
            case .windowPairs: return link.1 / Float(max(Int(link.2), pairsWithin(times[i], times[c])))
            }
        }
        func better(_ sc: Float, _ c: Int32, than i: Int) -> Bool {
            sc > bestScore[i] || (sc == bestScore[i] && (bestTarget[i] < 0 || c < bestTarget[i]))
        }
        func announce(_ i: Int) {
            version[i] += 1
            if bestScore[i] >= threshold { heap.push(bestScore[i], i, version[i]) }
        }
        func refresh(_ i: Int) {
            bestScore[i] = -1
            bestTarget[i] = -1
            for link in links[i] where !(anchored[i] && anchored[Int(link.0)]) {
                let c = link.0
                let sc = score(i, Int(c), link)
                if better(sc, c, than: i) { bestScore[i] = sc; bestTarget[i] = c }
            }
            announce(i)
        }
        for i in 0..<n where parent[i] == i { refresh(i) }
        while let (_, i, v) = heap.pop() {
            guard parent[i] == i, v == version[i], bestTarget[i] >= 0 else { continue }
            let j = Int(bestTarget[i])
            // The cluster with more links keeps its list; the other's is merged into it.
            let (keep, gone) = links[i].count >= links[j].count ? (i, j) : (j, i)
            absorb(keep, gone)
            version[gone] += 1
            refresh(keep)
            for link in links[keep] {
                let c = link.0, ci = Int(c)
                if bestTarget[ci] == Int32(keep) || bestTarget[ci] == Int32(gone) {
                    refresh(ci)
                } else if !(anchored[ci] && anchored[keep]) {
                    let sc = score(ci, keep, link)
                    if better(sc, Int32(keep), than: ci) { bestScore[ci] = sc; bestTarget[ci] = Int32(keep); announce(ci) }
                }
            }
        }
        func root(_ i: Int) -> Int { var r = i; while parent[r] != r { r = parent[r] }; return r }
        var smallest = [Int](repeating: Int.max, count: n)
        for i in 0..<n { let r = root(i); smallest[r] = min(smallest[r], i) }
        return (0..<n).map { smallest[root($0)] }
    }
}

/// A binary max-heap of scored pairs; ties go to the smaller pair, so merges are repeatable.
struct MaxHeap {
    private var items: [(Float, Int, Int)] = []

    private static func above(_ x: (Float, Int, Int), _ y: (Float, Int, Int)) -> Bool {
        x.0 != y.0 ? x.0 > y.0 : (x.1 != y.1 ? x.1 < y.1 : x.2 < y.2)
    }

    mutating func push(_ score: Float, _ a: Int, _ b: Int) {
        items.append((score, a, b))
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard Self.above(items[i], items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> (Float, Int, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && Self.above(items[l], items[m]) { m = l }
                if r < items.count && Self.above(items[r], items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
