import Foundation

/// Threads: events grouped into the running stories they belong to (a season, a trial, a crisis).
///
/// Each event is its briefs' TF-IDF centroid at the event's mean time; events are linked as briefs are in
/// `EventLinkage` (an inverted-index sweep within a time window), over a longer window, and merged best-first.
/// A thread's early and late events need not share a window: the score averages over the event pairs that lie within
/// one window (`EventLinkage.Average.windowPairs`).
public struct ThreadLinkage: Sendable {
    /// Merge while the average cosine over the event pairs of two threads within one window is at least this.
    public var threshold: Float
    /// Two events whose mean times are further apart than this (hours) are never linked directly.
    public var windowHours: Double
    /// Event pairs below this cosine are not edges.
    public var edgeFloor: Float
    /// Terms two events must share for an edge.
    public var minSharedTerms = 2
    /// Edges each event keeps to earlier events, the strongest.
    public var edgesPerEvent = 50
    /// What a thread pair's summed similarity is divided by.
    public var average = EventLinkage.Average.windowPairs
    /// A term in more than this many earlier events of the window proposes no candidates (see `EventLinkage`).
    public var commonTermEvents = 0

    /// Creates the linkage.
    public init(threshold: Float, windowHours: Double, edgeFloor: Float) {
        self.threshold = threshold
        self.windowHours = windowHours
        self.edgeFloor = edgeFloor
    }

    /// Per row, the thread of its event as the smallest row index of the thread; `events[i]` is row i's event label
    /// (any integer), `hours[i]` its time (an event none of whose rows has one stays a thread of its own). With `anchors` (per row, −1 = none), events whose rows carry one anchor
    /// start as one thread, and two anchored threads never merge (a nightly run's stored threads). Events of rows
    /// marked `context` get no edges among themselves (they are anchored, so such edges could never count).
    public func threads(_ rows: SparseRows, events: [Int], hours: [Double?], anchors: [Int]? = nil, context: [Bool]? = nil) -> [Int] {
        let n = rows.rowCount
        guard n > 1 else { return Array(0..<n) }
        var slot: [Int: Int] = [:]
        var firstRow: [Int] = []
        for (i, e) in events.enumerated() where slot[e] == nil { slot[e] = firstRow.count; firstRow.append(i) }
        let eventOf = events.map { slot[$0]! }
        var hourSum = [Double](repeating: 0, count: firstRow.count)
        var hourCount = [Int](repeating: 0, count: firstRow.count)
        for (i, h) in hours.enumerated() { if let h { hourSum[eventOf[i]] += h; hourCount[eventOf[i]] += 1 } }
        // An event without a time joins no thread: continuity in time is what tells a running story from two
        // look-alike events (two earthquakes, two shootings), which share all their vocabulary.
        // Such an event gets an empty centroid (no edges) and any time.
        let eventHours: [Double?] = (0..<firstRow.count).map { hourCount[$0] > 0 ? hourSum[$0] / Double(hourCount[$0]) : 0 }
        let centroids = Self.centroids(rows, of: eventOf, count: firstRow.count, skip: { hourCount[$0] == 0 })
        var linkage = EventLinkage(threshold: threshold, windowHours: windowHours, edgeFloor: edgeFloor)
        linkage.minSharedTerms = minSharedTerms
        linkage.minSharedTermsLong = minSharedTerms
        linkage.maxEdgesPerBrief = edgesPerEvent
        linkage.average = average
        linkage.commonTermBriefs = commonTermEvents
        var queries: [Bool]? = nil
        if let context {
            var q = [Bool](repeating: true, count: firstRow.count)
            for (i, e) in eventOf.enumerated() where context[i] { q[e] = false }
            queries = q
        }
        let graph = linkage.graph(centroids, hours: eventHours, queries: queries)
        var initial: [Int]? = nil
        if let anchors {
            var a = [Int](repeating: -1, count: firstRow.count)
            for (i, e) in eventOf.enumerated() where anchors[i] >= 0 { a[e] = anchors[i] }
            initial = a
        }
        let threadOfEvent = linkage.cluster(firstRow.count, graph: graph, initial: initial, hours: eventHours)
        // Back to rows: the thread's label is the smallest row of any of its events.
        var smallest = [Int](repeating: Int.max, count: firstRow.count)
        for (i, e) in eventOf.enumerated() { smallest[threadOfEvent[e]] = min(smallest[threadOfEvent[e]], i) }
        return eventOf.map { smallest[threadOfEvent[$0]] }
    }

    /// The L2-normalised sum of each group's rows, an empty row for a group `skip` names; `group[i]` in 0..<count.
    static func centroids(_ rows: SparseRows, of group: [Int], count: Int, skip: (Int) -> Bool = { _ in false }) -> SparseRows {
        var membersStart = [Int](repeating: 0, count: count + 1)
        for g in group { membersStart[g + 1] += 1 }
        for g in 0..<count { membersStart[g + 1] += membersStart[g] }
        var members = [Int](repeating: 0, count: group.count)
        var fill = Array(membersStart.dropLast())
        for (i, g) in group.enumerated() { members[fill[g]] = i; fill[g] += 1 }
        var out = SparseRows(columnCount: rows.columnCount, rowStart: [0], columns: [], values: [])
        var dense = [Float](repeating: 0, count: rows.columnCount)
        var used: [Int32] = []
        for g in 0..<count {
            for m in members[membersStart[g]..<membersStart[g + 1]] {
                if skip(g) { break }
                for k in rows.rowStart[m]..<rows.rowStart[m + 1] {
                    let c = rows.columns[k]
                    if dense[Int(c)] == 0 { used.append(c) }
                    dense[Int(c)] += rows.values[k]
                }
            }
            used.sort()
            var norm: Float = 0
            for c in used { norm += dense[Int(c)] * dense[Int(c)] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for c in used {
                out.columns.append(c)
                out.values.append(dense[Int(c)] * scale)
                dense[Int(c)] = 0
            }
            out.rowStart.append(out.columns.count)
            used.removeAll(keepingCapacity: true)
        }
        return out
    }
}

/// Stored stories a nightly run does not report, given to its thread step (`StoryClusterer.setThreads`) so that a new
/// event can join a running story whose recent events the night did not touch.
public struct ThreadContext: Sendable {
    /// One row per canonical brief, in the columns of the report's rows.
    public var rows: SparseRows
    /// Each row's publication time in hours since 1970.
    public var hours: [Double]
    /// Each row's story, an index into `threads`.
    public var story: [Int]
    /// Each story's stored thread id.
    public var threads: [String]

    /// Creates the context.
    public init(rows: SparseRows, hours: [Double], story: [Int], threads: [String]) {
        self.rows = rows
        self.hours = hours
        self.story = story
        self.threads = threads
    }
}

/// A thread: the running story a set of events (stories) belongs to.
public struct StoryThread: Hashable, Sendable {
    /// Stable id: `t` + the id of its earliest story (or a stored thread's id a nightly run kept).
    public var id: String
    /// Top terms of the thread's largest story.
    public var label: String
    /// The representative brief of the thread's largest story.
    public var representative: Int
    /// Ids of its stories, most recent activity first.
    public var stories: [String]
    /// Indices of all its briefs, earliest first.
    public var briefs: [Int]
    /// Earliest publication time among the briefs.
    public var firstPublished: Date?
    /// Latest publication time among the briefs.
    public var lastPublished: Date?
}

extension StoryResult {
    /// Groups the stories into threads: `threadKey[s]` is any value shared by the stories of one thread. Sets each
    /// story's `thread` and `threads`, most recent activity first. A thread takes the id in `stored` of one of its
    /// stories (a nightly state's), else `t` + the id of its earliest story without the `s`: ids stay put while
    /// the earliest story does.
    public mutating func setThreads(_ threadKey: [Int], briefs: [Brief], stored: [String: String] = [:]) {
        var members: [Int: [Int]] = [:]
        for (s, key) in threadKey.enumerated() { members[key, default: []].append(s) }
        var threads: [StoryThread] = []
        for key in members.keys.sorted() {
            let slots = members[key]!  // in story order: most recent activity first
            let all = slots.flatMap { stories[$0].briefs }.sorted { StoryClusterer.earlier(briefs[$0], briefs[$1]) }
            let largest = slots.max { stories[$0].briefs.count != stories[$1].briefs.count
                ? stories[$0].briefs.count < stories[$1].briefs.count : stories[$0].id > stories[$1].id }!
            let earliest = slots.min { a, b in
                let x = stories[a].firstPublished ?? .distantFuture, y = stories[b].firstPublished ?? .distantFuture
                return x != y ? x < y : stories[a].id < stories[b].id
            }!
            let id = slots.compactMap { stored[stories[$0].id] }.min() ?? "t" + stories[earliest].id.dropFirst()
            for s in slots { stories[s].thread = id }
            threads.append(StoryThread(id: id, label: stories[largest].label, representative: stories[largest].representative,
                                       stories: slots.map { stories[$0].id }, briefs: all,
                                       firstPublished: slots.compactMap { stories[$0].firstPublished }.min(),
                                       lastPublished: slots.compactMap { stories[$0].lastPublished }.max()))
        }
        self.threads = threads
        sortThreads()
    }

    /// Threads by most recent activity, ties by id (threads without times last), as stories are ordered.
    mutating func sortThreads() {
        threads.sort { a, b in
            let x = a.lastPublished ?? .distantPast, y = b.lastPublished ?? .distantPast
            return x != y ? x > y : a.id < b.id
        }
    }
}
