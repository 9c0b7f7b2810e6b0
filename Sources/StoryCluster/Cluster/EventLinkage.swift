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
        // Postings hold positions in time order, so the part inside a row's window is a suffix of each list.
        var postingStart = [Int](repeating: 0, count: rows.columnCount + 1)
        for c in rows.columns { postingStart[Int(c) + 1] += 1 }
        for c in 0..<rows.columnCount { postingStart[c + 1] += postingStart[c] }
        var postingRow = [Int32](repeating: 0, count: rows.columns.count)
        var postingWeight = [Float](repeating: 0, count: rows.columns.count)
        var postingEnd = Array(postingStart.dropLast())
        var accumulator = [Float](repeating: 0, count: n)
        var touched: [Int32] = []
        var pairs: [(Int32, Int32, Float)] = []
        rows.rowStart.withUnsafeBufferPointer { rowStart in
        rows.columns.withUnsafeBufferPointer { columns in
        rows.values.withUnsafeBufferPointer { values in
            for (p, i) in order.enumerated() {
                // A night compares its new rows with everything, but stored rows only with new ones.
                let isQuery = queries?[i] ?? true
                let lo = time[p] - window
                for k in rowStart[i]..<rowStart[i + 1] {
                    let c = Int(columns[k]), w = values[k]
                    var e = postingEnd[c] - 1
                    while e >= postingStart[c] {
                        let q = Int(postingRow[e])
                        if time[q] < lo { break }
                        if isQuery || (queries?[order[q]] ?? true) {
                            if accumulator[q] == 0 { touched.append(Int32(q)) }
                            accumulator[q] += w * postingWeight[e]
                        }
                        e -= 1
                    }
                }
                for q in touched {
                    let s = accumulator[Int(q)]
                    if s >= edgeFloor { pairs.append((Int32(order[Int(q)]), Int32(i), s)) }
                    accumulator[Int(q)] = 0
                }
                touched.removeAll(keepingCapacity: true)
                for k in rowStart[i]..<rowStart[i + 1] {
                    let c = Int(columns[k])
                    postingRow[postingEnd[c]] = Int32(p)
                    postingWeight[postingEnd[c]] = values[k]
                    postingEnd[c] += 1
                }
            }
        }
        }
        }
        var start = [Int](repeating: 0, count: n + 1)
        for (a, b, _) in pairs { start[Int(a) + 1] += 1; start[Int(b) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = Array(start.dropLast())
        var target = [Int32](repeating: 0, count: pairs.count * 2)
        var weight = [Float](repeating: 0, count: pairs.count * 2)
        for (a, b, s) in pairs {
            target[fill[Int(a)]] = b; weight[fill[Int(a)]] = s; fill[Int(a)] += 1
            target[fill[Int(b)]] = a; weight[fill[Int(b)]] = s; fill[Int(b)] += 1
        }
        return Graph(start: start, target: target, weight: weight)
    }

    /// Best-first average linkage over `graph`: score(A, B) = Σ s_ij / (|A|·|B|) over edges between A and B (a pair
    /// without an edge counts 0), merging the best pair while its score is at least `threshold`. Sums of merged
    /// clusters are added (Lance–Williams), so a score is a lookup.
    ///
    /// With `initial` (a label per row, −1 = none), rows sharing a label start as one anchored cluster; two anchored
    /// clusters never merge, so a cluster holds at most one anchor (a nightly run's stored story).
    /// - Returns: per row, the smallest row index of its cluster.
    public func cluster(_ n: Int, graph: Graph, initial: [Int]? = nil) -> [Int] {
        var parent = Array(0..<n)
        var size = [Int](repeating: 1, count: n)
        var anchored = [Bool](repeating: false, count: n)
        var links = [[Int32: Float]](repeating: [:], count: n)
        for i in 0..<n {
            for e in graph.start[i]..<graph.start[i + 1] { links[i][graph.target[e], default: 0] += graph.weight[e] }
        }
        func absorb(_ a: Int, _ b: Int) {
            // b into a: a's sums gain b's, every neighbour of b now links to a.
            for (c, s) in links[b] where Int(c) != a {
                links[a][c, default: 0] += s
                links[Int(c)][Int32(b)] = nil
                links[Int(c)][Int32(a), default: 0] += s
            }
            links[a][Int32(b)] = nil
            links[b] = [:]
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
        var heap = MaxHeap()
        func push(_ a: Int, _ b: Int) {
            guard let s = links[a][Int32(b)], !(anchored[a] && anchored[b]) else { return }
            let score = s / Float(size[a] * size[b])
            if score >= threshold { heap.push(score, min(a, b), max(a, b)) }
        }
        for i in 0..<n where parent[i] == i { for (j, _) in links[i] where Int(j) > i && parent[Int(j)] == Int(j) { push(i, Int(j)) } }
        while let (score, a, b) = heap.pop() {
            guard parent[a] == a, parent[b] == b, !(anchored[a] && anchored[b]),
                  let s = links[a][Int32(b)], s / Float(size[a] * size[b]) == score else { continue }
            // The larger cluster absorbs the smaller: its link table is the one kept.
            let (keep, gone) = links[a].count >= links[b].count ? (a, b) : (b, a)
            absorb(keep, gone)
            for (c, _) in links[keep] { push(keep, Int(c)) }
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
