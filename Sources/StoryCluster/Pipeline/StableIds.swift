/// Keeps story ids stable from run to run by matching this run's clusters to the previous run's stories.
///
/// A previous story's heir is the new cluster holding most of its canonical briefs. A cluster keeps the id of
/// the previous story it is heir of with the largest overlap (ties: the smaller id); other previous stories
/// whose heir it is are reported as `merged_into` it. A cluster that inherits no id but takes briefs from a
/// previous story is a split (`split_from`). Fresh ids come from the cluster's earliest canonical brief, as in
/// a stateless run, and never reuse an id the state has seen.
public enum StableIds {
    /// Result of matching.
    public struct Assignment: Equatable, Sendable {
        /// Id of each current cluster.
        public var ids: [String]
        /// For a cluster that split off a previous story: that story's id.
        public var splitFrom: [String?]
        /// Previous stories that were absorbed: (old id, id of the story it merged into).
        public var merged: [(String, String)]

        public static func == (a: Assignment, b: Assignment) -> Bool {
            a.ids == b.ids && a.splitFrom == b.splitFrom && a.merged.map(\.0) == b.merged.map(\.0) && a.merged.map(\.1) == b.merged.map(\.1)
        }
    }

    /// Matches `clusters` (canonical brief ids of each, with the id a stateless run would give it) to `previous`
    /// stories; `taken` holds every id ever used.
    public static func assign(clusters: [(members: [String], freshId: String)], previous: [String: Set<String>], taken: Set<String>) -> Assignment {
        var storyOfBrief: [String: String] = [:]
        for (story, members) in previous { for m in members { storyOfBrief[m] = story } }
        // overlap[c][p]: briefs of previous story p now in cluster c.
        var overlap = [[String: Int]](repeating: [:], count: clusters.count)
        for (c, cluster) in clusters.enumerated() {
            for m in cluster.members { if let p = storyOfBrief[m] { overlap[c][p, default: 0] += 1 } }
        }
        var heir: [String: (cluster: Int, count: Int)] = [:]
        for (c, counts) in overlap.enumerated() {
            for (p, n) in counts {
                if let h = heir[p], h.count > n || (h.count == n && clusters[h.cluster].freshId < clusters[c].freshId) { continue }
                heir[p] = (c, n)
            }
        }
        var ids = [String?](repeating: nil, count: clusters.count)
        var merged: [(String, String)] = []
        var inheritedBy: [Int: [(String, Int)]] = [:]
        for (p, h) in heir { inheritedBy[h.cluster, default: []].append((p, h.count)) }
        for (c, list) in inheritedBy {
            let sorted = list.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            ids[c] = sorted[0].0
        }
        var used = taken
        var splitFrom = [String?](repeating: nil, count: clusters.count)
        for c in clusters.indices where ids[c] == nil {
            var id = clusters[c].freshId
            var k = 2
            while used.contains(id) || ids.contains(id) { id = clusters[c].freshId + "-\(k)"; k += 1 }
            ids[c] = id
            used.insert(id)
            if let (p, _) = overlap[c].max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) { splitFrom[c] = p }
        }
        for (c, list) in inheritedBy {
            for (p, _) in list where p != ids[c]! { merged.append((p, ids[c]!)) }
        }
        merged.sort { $0.0 < $1.0 }
        return Assignment(ids: ids.map { $0! }, splitFrom: splitFrom, merged: merged)
    }
}

extension StoryResult {
    /// Renames this run's threads after the previous run's (`stored`: story id → thread id), as `StableIds` does for
    /// stories: a thread keeps the id of the stored thread most of its stories came from; a new one gets a fresh id.
    public mutating func inheritThreadIds(stored: [String: String]) {
        guard !stored.isEmpty, !threads.isEmpty else { return }
        var previous: [String: Set<String>] = [:]
        for (story, thread) in stored { previous[thread, default: []].insert(story) }
        let assigned = StableIds.assign(clusters: threads.map { ($0.stories, $0.id) }, previous: previous, taken: Set(previous.keys))
        var rename: [String: String] = [:]
        for k in threads.indices {
            rename[threads[k].id] = assigned.ids[k]
            threads[k].id = assigned.ids[k]
        }
        for k in stories.indices { stories[k].thread = rename[stories[k].thread] ?? stories[k].thread }
        sortThreads()  // ties are ordered by id, which may have changed
    }
}
