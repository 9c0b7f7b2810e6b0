import Foundation
import GRDB

/// The nightly path for the common night — new files arrived, nothing known changed — reading only what the new
/// briefs touch instead of the whole history.
///
/// - Duplicates: the new briefs' band keys are looked up in the stored band index and candidates are verified by
///   exact shingle Jaccard, as in a full run. The full run's greedy grouping (best-ranked first, no chaining) decides
///   each connected component of the verified-pair graph on its own, so only components holding a new brief can
///   change. When every stored brief a new one is verified against comes before it in canonical order, the stored
///   groups stand and the new briefs are placed by replaying the greedy for them alone. When one does not (a recrawl
///   that computes an earlier publication time than the stored copy), that component is walked through the band
///   index (at most `maxComponent` stored briefs) and regrouped whole; stored briefs may then change their
///   canonical brief. Either way the groups are those a from-scratch run finds (tested), with one exception: a full
///   run pairs a brief with only the first 256 members of a band bucket (`CandidateFinder.pairs`, a bound for
///   degenerate inputs such as hundreds of near-identical templated bulletins), while this path verifies every stored
///   brief a lookup returns, so in such a bucket it can find verified duplicates the full run's cap skips.
/// - Stories, with the stored `StoryModel` (a full clustering left one, the story settings match and the corpus has
///   grown by at most `StoryConfig.modelGrowth` since): the stories whose briefs span times within ±(W + 4τ) hours of
///   the new ones are loaded as one vector each and the new canonical briefs are placed among them
///   (`StoryClusterer.place`); their vectors join the stories' sums. Without it: the stored canonical briefs of that
///   window are loaded by the time index and clustered with the new ones as `NightlyRun.incremental` does (stored
///   stories anchored, neighbours for new briefs only), and a stored model is dropped (its sums would miss the night).
///   A new canonical brief that took over a stored group keeps that group's story (and adds nothing to its sum: its
///   predecessor's vector is there). A regrouped duplicate component can swap a story's canonical brief for a near
///   copy, or move canonical briefs between stories; the sums keep the vectors they had until a full clustering
///   refits the model (a story emptied that way passes its sums to the story its briefs went to, and a new brief
///   placed in it follows them there).
/// - Report: the new briefs and every brief of the stories they touched; history totals come from the state.
///
/// It declines (nothing written; the reason is reported) when a known file changed, `--forget-missing` has files to
/// forget, a new brief's id is already stored, a new or stored canonical brief has no time, the dedup settings
/// differ from the last run's, or a component to regroup is larger than `maxComponent`.
enum AppendRun {
    /// Stored briefs a regrouped duplicate component may hold before the full path is used instead.
    static let maxComponent = 5_000

    /// What the append-only path did: the run, or why the full path must run instead (nothing written).
    enum Outcome {
        case done(RunReport, RunDelta)
        case declined(String)
    }

    /// A stored brief after this run, as the report and the commit need it.
    struct Member {
        var brief: Brief
        var position: Int
        var canonical: String
        var similarity: Double
        var story: String
    }

    /// Runs the append-only path, or declines when it does not apply.
    static func run(corpusPath: String, state: StateStore, reader: CorpusReader, pipeline: Pipeline, forgetMissing: Bool,
                    lastRun: Int, started: Date, progress: (String) -> Void,
                    beforeCommit: (RunReport, RunDelta) throws -> Void = { _, _ in }) throws -> Outcome {
        guard let previous = try state.totals(run: lastRun) else { return .declined("the last run did not record the history's totals (schema-1 state)") }
        guard previous.dedupSettings == pipeline.settings.dedup.stateKey else { return .declined("dedup settings changed since the last run") }
        try state.repairBandIndexIfMoved(lastRun: lastRun)
        let corpus = try reader.read(corpusPath, reuse: { state.isUnchanged($0) ? StoredFile(briefs: [], skipped: []) : nil },
                                     grownFrom: { state.knownFile($0) })
        let readSeconds = Date().timeIntervalSince(started)
        if let changed = corpus.files.first(where: { $0.parsed && state.knownFile($0.path) != nil && $0.grownFrom == nil }) {
            return .declined("\(changed.path) changed since it was read (not only lines appended)")
        }
        // A grown file that was stored with a file-level skip ("only blank lines") needs a full read to lose it.
        let grownPaths = corpus.files.filter { $0.grownFrom != nil }.map(\.path)
        let fileLevelSkip = try state.db.read { db in
            try grownPaths.first { try Int.fetchOne(db, sql: "SELECT 1 FROM skipped WHERE source = ? AND line IS NULL LIMIT 1", arguments: [$0]) != nil }
        }
        if let fileLevelSkip { return .declined("\(fileLevelSkip) grew but was stored as a file without documents") }
        let missing = state.missingFiles(seen: Set(corpus.files.map(\.path)))
        if forgetMissing && !missing.isEmpty { return .declined("--forget-missing has files to forget") }
        let fresh = corpus.briefs
        let storedAgain = try state.db.read { db in
            let known = try db.cachedStatement(sql: "SELECT 1 FROM briefs WHERE id = ?")
            return try fresh.first { try Int.fetchOne(known, arguments: [$0.id]) != nil }
        }
        if let storedAgain { return .declined("brief \(storedAgain.id) in \(storedAgain.source) is already stored") }

        // Duplicates of the new briefs.
        progress("dedup")
        let clock = Date()
        let dup: Duplicates
        switch try duplicates(fresh, state: state, deduplicator: pipeline.deduplicator) {
        case .success(let d): dup = d
        case .failure(let reason): return .declined(reason.description)
        }
        let dedupSeconds = Date().timeIntervalSince(clock)
        let nodes = dup.stored

        // A new canonical brief that took over stored briefs keeps the story of the best-ranked of them.
        var inherited = [String?](repeating: nil, count: fresh.count)
        for (c, node) in nodes.enumerated() {
            guard case .new(let x)? = dup.storedUpdate[c]?.canonical else { continue }
            if let best = dup.inheritedFrom[x], best == c { inherited[x] = node.story }
        }

        // Stories: new canonical briefs among the stored canonical briefs of their window.
        progress("stories")
        let newCanonical = fresh.indices.filter { dup.canonical[$0] == .new($0) }
        let queries = newCanonical.filter { inherited[$0] == nil }
        var timings: [(String, Double)] = []
        var storyOfNew = [String?](repeating: nil, count: fresh.count)  // stored story id, or nil for a new story
        var newLabel = [Int](repeating: -1, count: fresh.count)       // label of a new story
        for i in newCanonical where inherited[i] != nil { storyOfNew[i] = inherited[i] }
        var model: TfidfModel?
        var clustered = 0
        // With a stored model that admits them, new briefs are placed among the stories' sums (`StoryModel`):
        // their vectors are added to the sums at the commit. Otherwise the window is re-embedded and the model dropped.
        var fold: ModelFold?
        if !queries.isEmpty {
            switch try placeStories(queries, newCanonical: newCanonical, fresh: fresh, inherited: inherited, dup: dup,
                                    state: state, pipeline: pipeline, timings: &timings) {
            case .declined(let reason): return .declined(reason)
            case .placed(let placed):
                (model, clustered, fold) = (placed.model, placed.clustered, placed.fold)
                for (k, i) in queries.enumerated() {
                    switch placed.placement[k] {
                    case .anchor(let a): storyOfNew[i] = placed.anchorStory[a]
                    case .new(let cluster): newLabel[i] = cluster
                    }
                }
            }
        }
        // Duplicates follow their canonical brief.
        func storyOfStored(_ c: Int) -> String { nodes[c].story }
        for i in fresh.indices {
            switch dup.canonical[i] {
            case .stored(let c): storyOfNew[i] = storyOfStored(c)
            case .new(let c) where c != i: storyOfNew[i] = storyOfNew[c]; newLabel[i] = newLabel[c]
            default: break
            }
        }
        // Regrouped stored briefs follow their (possibly new) canonical brief too.
        var moved: [String: (canonical: String, similarity: Double, story: String)] = [:]
        for (c, update) in dup.storedUpdate {
            switch update.canonical {
            case .stored(let d): moved[nodes[c].id] = (nodes[d].id, update.similarity, storyOfStored(d))
            case .new(let x): moved[nodes[c].id] = (fresh[x].id, update.similarity, storyOfNew[x]!)
            }
        }

        // Everything the report shows: the new briefs and all briefs of the stored stories this run touched.
        let reporting = Date()
        var touched = Set(storyOfNew.compactMap { $0 })
        for (c, _) in dup.storedUpdate { touched.insert(nodes[c].story) }
        for m in moved.values { touched.insert(m.story) }
        var before: [Member] = []
        try state.db.read { db in
            for story in touched.sorted() {
                for row in try Row.fetchAll(db, sql: "SELECT \(StateStore.briefColumns), canonical, similarity, position, story, \(StateStore.sealedPlacement.check()) AS sealed FROM briefs WHERE story = ?",
                                            arguments: [story]) {
                    try StateStore.requireSealed(row, "the place of brief \(row["id"] as String? ?? "?")")
                    before.append(Member(brief: try StateStore.brief(row), position: row["position"], canonical: row["canonical"] ?? row["id"],
                                         similarity: row["similarity"] ?? 1, story: story))
                }
            }
        }
        var members = before
        for k in members.indices {
            guard let m = moved[members[k].brief.id] else { continue }
            members[k].canonical = m.canonical
            members[k].similarity = m.similarity
            members[k].story = m.story
        }
        // Stored stories left without briefs were absorbed where their briefs went.
        let remaining = Set(members.map(\.story))
        var retired: [(String, String)] = []
        for story in touched.sorted() where !remaining.contains(story) {
            if let into = before.first(where: { $0.story == story }).flatMap({ moved[$0.brief.id]?.story }) { retired.append((story, into)) }
        }
        // A new brief placed in a story whose briefs all moved follows them (the story's sum it joined was theirs).
        let absorbedInto = Dictionary(retired, uniquingKeysWith: { a, _ in a })
        for i in storyOfNew.indices { if let s = storyOfNew[i], let into = absorbedInto[s] { storyOfNew[i] = into } }

        // Report order is corpus order: by file, then position in the file (new briefs keep their reading order).
        var entries: [(member: Member, newIndex: Int?)] = members.map { ($0, nil) }
        // Lines appended to a known file continue its positions.
        var positionInFile: [String: Int] = [:]
        try state.db.read { db in
            for f in corpus.files where f.grownFrom != nil {
                // After the largest stored position: a brief that moved to another file can leave a gap.
                positionInFile[f.path] = try Int.fetchOne(db, sql: "SELECT max(position) + 1 FROM briefs WHERE source = ?", arguments: [f.path]) ?? 0
            }
        }
        for (i, b) in fresh.enumerated() {
            let p = positionInFile[b.source, default: 0]
            positionInFile[b.source] = p + 1
            let canonicalId: String
            switch dup.canonical[i] {
            case .stored(let c): canonicalId = nodes[c].id
            case .new(let c): canonicalId = fresh[c].id
            }
            entries.append((Member(brief: b, position: p, canonical: canonicalId, similarity: dup.similarity[i], story: ""), i))
        }
        entries.sort { a, b in
            a.member.brief.source == b.member.brief.source ? a.member.position < b.member.position
                : Array(a.member.brief.source.utf8).lexicographicallyPrecedes(Array(b.member.brief.source.utf8))
        }
        let briefs = entries.map(\.member.brief)
        var slot: [String: Int] = [:]
        for (k, b) in briefs.enumerated() { slot[b.id] = k }
        // A stored duplicate's canonical brief is in its story, so in the report (a damaged state falls back to itself).
        var dedup = DedupResult(groups: [], canonicalOf: entries.indices.map { slot[entries[$0].member.canonical] ?? $0 },
                                similarity: entries.map(\.member.similarity), stats: dup.stats)
        dedup.groups = Deduplicator.groups(canonicalOf: dedup.canonicalOf, similarity: dedup.similarity,
                                           order: Deduplicator.canonicalOrder(briefs))

        // A label per canonical brief of the report: stored stories by id, new stories by their cluster.
        let canonical = dedup.canonicalIndices
        var labels: [Int] = [], ids: [Int: String] = [:], labelOf: [String: Int] = [:]
        for i in canonical {
            let key: String
            if let n = entries[i].newIndex { key = storyOfNew[n] ?? "\u{0}new \(newLabel[n])" } else { key = entries[i].member.story }
            let label = labelOf[key] ?? { let l = labelOf.count; labelOf[key] = l; if !key.hasPrefix("\u{0}") { ids[l] = key }; return l }()
            labels.append(label)
        }
        let texts = canonical.map { pipeline.clusterer.clusteringText(briefs[$0]) }
        // Labels under the night's model (the stored one, or the window's), with terms it never saw added.
        let labelling = model.map { $0.extending(texts) } ?? TfidfModel.fit(texts)
        var stories = StoryClusterer.assemble(briefs, dedup: dedup, labels: labels, ids: ids, model: labelling.model,
                                              rows: labelling.rows, timings: timings)
        // Fresh ids never reuse one the state has seen.
        let kept = Set(ids.values)
        var used = Set<String>()
        try state.db.read { db in
            let exists = try db.cachedStatement(sql: "SELECT 1 FROM stories WHERE id = ?")
            for i in stories.stories.indices where !kept.contains(stories.stories[i].id) {
                let base = stories.stories[i].id
                var id = base, k = 2
                while try used.contains(id) || Int.fetchOne(exists, arguments: [id]) != nil { id = base + "-\(k)"; k += 1 }
                used.insert(id)
                stories.stories[i].id = id
            }
        }
        stories.resort()
        // Threads of the report's stories, stored threads of two or more stories anchored (their other stories are not
        // reported, so they stay whole and keep their ids). The stored stories within the thread window of the new
        // briefs come along as context, each anchored to its thread, so a new event can join a thread it shares no
        // story with; two stored threads are never joined here (a full run reconsiders every thread).
        let threadClock = Date()
        let threadsBefore = try state.threads(ofStories: Array(touched))
        var threadRows = labelling.rows
        var context: ThreadContext? = nil
        let times = fresh.compactMap { $0.published?.timeIntervalSince1970 }
        if pipeline.clusterer.config.threads, let lo = times.min(), let hi = times.max() {
            let reach = pipeline.clusterer.config.threadWindowHours * 3600
            // Every stored story of the window, unfiltered: the context's texts also weigh the terms (idf), and a
            // context cut to stories sharing tonight's terms made exactly those terms look common (tested: the
            // tanker seizure then no longer joined the strike's thread).
            let loaded = try state.threadContext(from: lo - reach, to: hi + reach, excluding: touched)
            if !loaded.isEmpty {
                // One vocabulary for the report's and the context's rows. Under a stored model the context is added to
                // the report's (its rows stay as they are); otherwise the report's weights came from the report's texts
                // alone (a night of one brief weighs every term alike), so both are weighted afresh together.
                let contextTexts = loaded.map { pipeline.clusterer.clusteringText($0.brief) }
                let space: (model: TfidfModel, rows: SparseRows)
                if model != nil {
                    space = labelling.model.extending(contextTexts)
                } else {
                    let both = TfidfModel.fit(texts + contextTexts)
                    threadRows = both.rows.rows(0..<texts.count)
                    space = (both.model, both.rows.rows(texts.count..<both.rows.rowCount))
                }
                var number: [String: Int] = [:], threadIds: [String] = []
                let story = loaded.map { item in
                    number[item.story] ?? { let k = threadIds.count; number[item.story] = k; threadIds.append(item.thread); return k }()
                }
                threadRows.columnCount = space.model.terms.count
                context = ThreadContext(rows: space.rows,
                                        hours: loaded.map { ($0.brief.published?.timeIntervalSince1970 ?? lo) / 3600 },
                                        story: story, threads: threadIds)
            }
        }
        // Anchored: the touched stories whose stored thread holds another current story.
        let sizeBefore = try state.threadSizes(Set(threadsBefore.values))
        pipeline.clusterer.setThreads(&stories, briefs: briefs, canonical: canonical, rows: threadRows, events: labels,
                                      anchored: threadsBefore.filter { sizeBefore[$0.value, default: 0] >= 2 }, context: context)
        stories.timings.append(("threads", Date().timeIntervalSince(threadClock)))

        // What changed.
        let runId = lastRun + 1
        let newIds = Set(fresh.map(\.id))
        var newStories: [String] = [], grown: [(String, [String])] = []
        for s in stories.stories {
            let added = s.briefs.map { briefs[$0].id }.filter { newIds.contains($0) }
            if !kept.contains(s.id) { newStories.append(s.id) } else if !added.isEmpty { grown.append((s.id, added)) }
        }
        let grownIds = Set(grown.map(\.0)).union(newStories)
        let quiet = try state.storiesUpdated(in: lastRun).filter { !grownIds.contains($0) && !retired.map(\.0).contains($0) }.sorted()
        var delta = RunDelta(runId: runId, previousRunId: lastRun, statePath: state.path,
                             filesParsed: corpus.files.filter(\.parsed).count, filesReused: corpus.files.filter { !$0.parsed }.count,
                             filesMissing: missing, newBriefs: newIds, newStories: newStories, grownStories: grown,
                             quietStories: quiet, merged: retired, path: .append,
                             storyPlacement: queries.isEmpty ? nil : fold != nil ? .model : .window)
        delta.setThreadChanges(stories, before: threadsBefore, storedCount: try state.threadSizes(Set(stories.stories.map(\.thread))))
        // The history's totals move by what changed in the touched stories (every duplicate group lies in one story).
        func counts(_ list: [(id: String, canonical: String)]) -> (removed: Int, groups: Int) {
            let dups = list.filter { $0.id != $0.canonical }
            return (dups.count, Set(dups.map(\.canonical)).count)
        }
        let was = counts(before.map { ($0.brief.id, $0.canonical) })
        let now = counts(entries.map { ($0.member.brief.id, $0.member.canonical) })
        let history = RunReport.HistoryCounts(briefs: previous.briefs + fresh.count,
                                              duplicatesRemoved: previous.duplicatesRemoved + now.removed - was.removed,
                                              duplicateGroups: previous.duplicateGroups + now.groups - was.groups,
                                              stories: previous.stories + newStories.count - retired.count)
        dedup.stats.duplicatesRemoved = now.removed - was.removed
        var allTimings = [("read", readSeconds), ("dedup", dedupSeconds)] + stories.timings
        allTimings.append(("touched", Date().timeIntervalSince(reporting)))
        let committing = Date()
        // The report as the commit will leave the state, built first so it is written before the commit.
        var report = RunReport(corpusPath: corpusPath, corpus: Corpus(briefs: briefs, skipped: corpus.skipped, filesRead: corpus.filesRead,
                                                                       files: corpus.files),
                               dedup: dedup, stories: stories, settings: pipeline.settings,
                               timings: allTimings + [("total", Date().timeIntervalSince(started))])
        report.history = history
        report.clusteredCanonicalBriefs = clustered > 0 ? clustered : nil
        let storyOfBrief = Dictionary(uniqueKeysWithValues: stories.stories.flatMap { s in s.briefs.map { (briefs[$0].id, s.id) } })

        try state.db.write { db in
            // New files replace their skip entries; a grown file keeps those of its earlier lines.
            for path in Set(corpus.files.filter { $0.parsed && $0.grownFrom == nil }.map(\.path)) {
                try db.execute(sql: "DELETE FROM skipped WHERE source = ?", arguments: [path])
            }
            try StateStore.insertSkips(corpus.skipped, of: Set(corpus.files.filter(\.parsed).map(\.path)), db)
            var bandPairs: [(Int64, Int64)] = []
            let bands = dup.bands
            for e in entries {
                guard let i = e.newIndex else { continue }
                let keys = Array(dup.keys[(i * bands)..<((i + 1) * bands)])
                let rowid = try StateStore.upsertBrief(e.member.brief, position: e.member.position, run: runId,
                                                       signature: Array(dup.batch.signature(i)), keys: keys,
                                                       canonical: e.member.canonical, similarity: e.member.similarity,
                                                       story: storyOfBrief[e.member.brief.id], known: false, db)
                for key in keys { bandPairs.append((Int64(bitPattern: key), rowid)) }
            }
            try StateStore.insertBands(&bandPairs, recent: true, db)
            try StateStore.mergeRecentBands(force: false, db)
            for (id, m) in moved.sorted(by: { $0.key < $1.key }) {
                try StateStore.setPlacement(id, canonical: m.canonical, similarity: m.similarity, story: storyOfBrief[id] ?? m.story, db)
            }
            for f in corpus.files where f.parsed { try StateStore.upsertFile(f, run: runId, db) }
            for f in corpus.files where !f.parsed && state.modifiedDiffers(f) {
                try db.execute(sql: "UPDATE files SET modified = ? WHERE path = ?", arguments: [f.modified, f.path])
            }
            // Stories assembled here have no split_from: splits happen only with --rebuild.
            for s in stories.stories { try StateStore.upsertStory(s, run: runId, grew: grownIds.contains(s.id), db) }
            for (old, into) in retired {
                try StateStore.retireStory(old, into: into, db)
            }
            if let fold {
                // The placed briefs' vectors join their stories' sums.
                try fold.write(storyOf: { storyOfBrief[fresh[$0].id] }, db)
            } else if !queries.isEmpty {
                try StateStore.dropStoryModel(db)
            }
            // An absorbed story's sums join those of the story its briefs went to (a no-op without a model).
            try StateStore.absorbStoryVectors(retired, db)
            try StateStore.insertRun(runId: delta.runId, filesParsed: delta.filesParsed, filesReused: delta.filesReused, started: started, corpus: corpusPath,
                                     totals: StateStore.RunTotals(briefs: history.briefs, duplicatesRemoved: history.duplicatesRemoved,
                                                                  duplicateGroups: history.duplicateGroups, stories: history.stories,
                                                                  dedupSettings: previous.dedupSettings),
                                     newBriefs: fresh.count, db)
            // Last inside the transaction: a report that cannot be written rolls the night back.
            try beforeCommit(report, delta)
        }
        report.timings = allTimings.filter { $0.0 != "total" }
        report.timings.append(("commit", Date().timeIntervalSince(committing)))
        report.timings.append(("total", Date().timeIntervalSince(started)))
        return .done(report, delta)
    }

    /// New canonical briefs placed among the stored stories: through the stored `StoryModel` when one admits them,
    /// else by re-embedding their time window.
    struct PlacedStories {
        /// Each query's placement: an anchor (a stored story) or a new cluster.
        var placement: [StoryClusterer.Placement]
        /// The story id of each anchor.
        var anchorStory: [String]
        /// The TF-IDF model the night's vectors were made with (labels extend it).
        var model: TfidfModel?
        /// Canonical briefs (or story rows) the story stage clustered.
        var clustered: Int
        /// The vectors to add to the stored sums, when the model placed the briefs.
        var fold: ModelFold?
    }

    /// The outcome of a step that may send the run to the full path.
    enum Step<T> {
        case placed(T)
        case declined(String)
    }

    /// Places the `queries` (new canonical briefs that inherited no story) among the stored stories of their window.
    static func placeStories(_ queries: [Int], newCanonical: [Int], fresh: [Brief], inherited: [String?], dup: Duplicates,
                             state: StateStore, pipeline: Pipeline, timings: inout [(String, Double)]) throws -> Step<PlacedStories> {
        let nodes = dup.stored
        var model: TfidfModel?
        var clustered = 0
        var fold: ModelFold?
        let times = newCanonical.compactMap { fresh[$0].published?.timeIntervalSince1970 }
        guard times.count == newCanonical.count, let lo = times.min(), let hi = times.max() else { return .declined("a new brief has no publication time") }
        let delta = pipeline.settings.stories.attachWindowSeconds
        // A stored canonical brief without a time would be in every window: the full path handles that.
        let untimed = try state.db.read { db in
            try Int.fetchOne(db, sql: "SELECT 1 FROM briefs WHERE canonical = id AND published IS NULL LIMIT 1") != nil
        }
        if untimed { return .declined("a stored canonical brief has no publication time") }
        let loading = Date()
        // Each way gives the new briefs' placements and the story id of each anchor they can join.
        let placement: [StoryClusterer.Placement], anchorStory: [String]
        if let stored = try state.storyModel(config: pipeline.settings.stories, admitting: queries.count) {
            let stories = try state.storyVectors(from: lo - delta, to: hi + delta)
            timings.append(("stories", Date().timeIntervalSince(loading)))
            let placed = pipeline.clusterer.place(queries.map { fresh[$0] }, among: stories.map(\.1),
                                                                        model: stored, timings: &timings)
            (placement, anchorStory) = (placed.placement, stories.map(\.0))
            model = stored.tfidf
            clustered = stories.count + queries.count
            fold = ModelFold(model: stored, placed: queries, vectors: placed.vectors,
                             times: queries.map { fresh[$0].published?.timeIntervalSince1970 },
                             loaded: Dictionary(stories, uniquingKeysWith: { a, _ in a }))
        } else {
            let stored = try state.db.read { db -> [(Brief, String)] in
                // Decoded by column index (the window is a third of a month's briefs, and decoding by column name was
                // most of loading it), checked against the brief's checksum and its place's seal.
                var out: [(Brief, String)] = []
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(StateStore.briefColumns), story, \(StateStore.sealedPlacement.check()) AS sealed FROM briefs
                    WHERE canonical = id AND published BETWEEN ? AND ? ORDER BY source, position
                    """, arguments: [lo - delta, hi + delta])
                while let row = try rows.next() {
                    let brief = try StateStore.brief(columnsOf: row)
                    try StateStore.requireSealed(row, "the place of brief \(brief.id)")
                    out.append((brief, row[StateStore.briefColumnCount] ?? ""))
                }
                return out
            }
            // The window as this run leaves it: regrouped stored briefs swap in or out, inheriting new briefs join.
            let lost = Set(nodes.indices.filter { nodes[$0].isCanonical && !dup.isCanonicalAfter($0) }.map { nodes[$0].id })
            var window = stored.filter { !lost.contains($0.0.id) }
            for c in nodes.indices where !nodes[c].isCanonical && dup.isCanonicalAfter(c) { window.append((nodes[c].brief, nodes[c].story)) }
            for i in newCanonical where inherited[i] != nil { window.append((fresh[i], inherited[i]!)) }
            var labelOf: [String: Int] = [:]
            var storyOfLabel: [String] = []
            var initial: [Int] = []
            for (_, story) in window {
                let label = labelOf[story] ?? { labelOf[story] = storyOfLabel.count; storyOfLabel.append(story); return storyOfLabel.count - 1 }()
                initial.append(label)
            }
            timings.append(("window", Date().timeIntervalSince(loading)))
            initial += queries.map { _ in -1 }
            let subset = window.map(\.0) + queries.map { fresh[$0] }
            clustered = subset.count
            let placed = try pipeline.clusterer.attach(subset, anchors: initial, timings: &timings)
            model = placed.model
            (placement, anchorStory) = (Array(placed.placement[window.count...]), storyOfLabel)
        }
        return .placed(PlacedStories(placement: placement, anchorStory: anchorStory, model: model, clustered: clustered, fold: fold))
    }
}
