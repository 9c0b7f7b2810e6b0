import Foundation
import GRDB

/// What changed since the previous run of a state.
public struct RunDelta: Sendable {
    /// This run's id.
    public var runId: Int
    /// The previous run's id (nil for the first run).
    public var previousRunId: Int?
    /// The state file.
    public var statePath: String
    /// Files parsed in this run (new or changed).
    public var filesParsed: Int
    /// Files whose stored briefs were reused unparsed.
    public var filesReused: Int
    /// Files the state knew that are gone from the corpus (their briefs stay unless `--forget-missing`).
    public var filesMissing: [String]
    /// Ids of briefs first seen in this run.
    public var newBriefs: Set<String>
    /// Stories that did not exist before this run.
    public var newStories: [String]
    /// Stories that existed and gained briefs: (id, new brief ids).
    public var grownStories: [(String, [String])]
    /// Stories that grew in the previous run but not in this one.
    public var quietStories: [String]
    /// Previous stories absorbed into another: (old id, new id).
    public var merged: [(String, String)]
    /// Threads of two or more stories that had fewer before this run.
    public var newThreads: [String] = []
    /// Threads of two or more stories before this run that gained stories: (id, ids of the stories that joined).
    public var grownThreads: [(String, [String])] = []
    /// `append` when only the new briefs and what they touched were read (`AppendRun`), `full` otherwise.
    public var path: RunPath = .full
    /// Why the full path ran (nil for `append`).
    public var fullPathReason: String?
    /// How new briefs found their stories: `fit` (everything clustered, the stored model refitted), `model` (placed
    /// through the stored `StoryModel`), `window` (the time window re-embedded around them), nil when none was placed.
    public var storyPlacement: StoryPlacement? = nil
}

extension RunDelta {
    /// Sets `newThreads` and `grownThreads` from the run's threads, each reported story's thread before the run
    /// (`before`; absent for a new story) and the number of active stories each thread had then (`storedCount`,
    /// which may count stories the run did not report).
    mutating func setThreadChanges(_ stories: StoryResult, before: [String: String], storedCount: [String: Int]) {
        var members: [String: [String]] = [:]
        for s in stories.stories { members[s.thread, default: []].append(s.id) }
        newThreads = []
        grownThreads = []
        for t in stories.threads {
            let reported = members[t.id] ?? []
            let joined = reported.filter { before[$0] != t.id }.sorted()
            guard !joined.isEmpty else { continue }
            let had = storedCount[t.id] ?? 0
            let after = had - before.values.filter { $0 == t.id }.count + reported.count
            if had >= 2 { grownThreads.append((t.id, joined)) } else if after >= 2 { newThreads.append(t.id) }
        }
    }
}

/// Which path a run against a state took.
public enum RunPath: String, Sendable {
    /// Only the new briefs and what they touched were read (`AppendRun`).
    case append
    /// Every stored brief was loaded and duplicate groups re-derived over the whole history.
    case full
}

/// How a run's new canonical briefs found their stories.
public enum StoryPlacement: String, Sendable {
    /// Everything was clustered and the stored story model refitted.
    case fit
    /// Placed through the stored `StoryModel`.
    case model
    /// The time window around them was re-embedded.
    case window
}

/// A run against a state: reuse unchanged files, place new briefs among the stored duplicate groups and stories,
/// keep story ids stable, and commit everything in one transaction.
///
/// Two paths. The append path (`AppendRun`, with `sinceLast` when only new files arrived) reads the new briefs and
/// what they touch. The full path loads every stored brief, re-derives duplicate groups over the whole history
/// (identical to a from-scratch run), and places new canonical briefs with the stored stories anchored
/// (`incremental`); the first run of a state and `rebuild` cluster everything (`rebuild` also re-parses every file)
/// and store the `StoryModel` append nights place new briefs with. The full path without `rebuild` places briefs by
/// re-embedding their window and adds their vectors to the model's sums (`ModelFold`) when it only added briefs, and
/// drops the model otherwise (removed, re-read or regrouped stored briefs cannot be taken out of the sums).
public enum NightlyRun {
    /// Runs the pipeline on `corpusPath` with `state`.
    ///
    /// With `sinceLast` (the report shows only what changed), a night that only added files takes `AppendRun`, which
    /// reads the new briefs and what they touch instead of the whole history; it falls back to this path when a
    /// known file changed or the history could be regrouped (see `AppendRun`).
    public static func run(corpusPath: String, state: StateStore, reader: CorpusReader, pipeline: Pipeline,
                           rebuild: Bool = false, forgetMissing: Bool = false, sinceLast: Bool = false,
                           progress: (String) -> Void = { _ in },
                           beforeCommit: (RunReport, RunDelta) throws -> Void = { _, _ in }) throws -> (RunReport, RunDelta) {
        do {
            return try runChecked(corpusPath: corpusPath, state: state, reader: reader, pipeline: pipeline, rebuild: rebuild,
                                  forgetMissing: forgetMissing, sinceLast: sinceLast, progress: progress, beforeCommit: beforeCommit)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
            // A page the open-time check did not read turned out damaged; the run's transaction was rolled back.
            throw StateStore.damaged(state.path, e.message ?? "\(e.resultCode)")
        }
    }

    static func runChecked(corpusPath: String, state: StateStore, reader: CorpusReader, pipeline: Pipeline, rebuild: Bool,
                           forgetMissing: Bool, sinceLast: Bool, progress: (String) -> Void,
                           beforeCommit: (RunReport, RunDelta) throws -> Void) throws -> (RunReport, RunDelta) {
        let started = Date()
        let why: String
        if rebuild {
            why = "--rebuild"
        } else if !sinceLast {
            why = "the report covers the whole history (no --since-last)"
        } else if let lastRun = try state.lastRunId() {
            switch try AppendRun.run(corpusPath: corpusPath, state: state, reader: reader, pipeline: pipeline,
                                     forgetMissing: forgetMissing, lastRun: lastRun, started: started, progress: progress,
                                     beforeCommit: beforeCommit) {
            case .done(let report, var delta):
                delta.path = .append
                return (report, delta)
            case .declined(let reason): why = reason
            }
        } else {
            why = "first run of this state"
        }
        var corpus = try reader.read(corpusPath, reuse: rebuild ? nil : { state.storedFile($0) })
        if let damage = state.damage { throw StateStore.damaged(state.path, damage) }
        let seen = Set(corpus.files.map(\.path))
        let missing = state.missingFiles(seen: seen)
        if !forgetMissing && !missing.isEmpty {
            // Briefs of files that left the corpus stay in the history.
            var ids = Set(corpus.briefs.map(\.id))
            var order: [String: Int] = [:]
            for (i, b) in corpus.briefs.enumerated() where order[b.source] == nil { order[b.source] = i }
            for path in missing {
                let stored = try state.loadFile(path)
                for b in stored.briefs where !ids.contains(b.id) { corpus.briefs.append(b); ids.insert(b.id) }
            }
            let indexed = corpus.briefs.enumerated().map { ($0.offset, $0.element) }
            corpus.briefs = indexed.sorted { a, b in
                a.1.source == b.1.source ? a.0 < b.0 : Array(a.1.source.utf8).lexicographicallyPrecedes(Array(b.1.source.utf8))
            }.map(\.1)
        }
        let readSeconds = Date().timeIntervalSince(started)
        let lastRun = try state.lastRunId()
        // One read of each table serves the whole run: stored stories, known ids and the commit's change check.
        let storedAssignments = try state.assignments()
        let storedStories = try state.storyRows()
        let knownStories = Set(storedStories.keys)
        let stored = rebuild ? [:] : storedAssignments.compactMapValues(\.story)
        let storedThreads = storedStories.filter(\.value.active).compactMapValues(\.thread)
        var report: RunReport
        var merged: [(String, String)] = []
        var fold: ModelFold?
        if lastRun != nil && !stored.isEmpty {
            report = try incremental(corpusPath: corpusPath, corpus: corpus, pipeline: pipeline, readSeconds: readSeconds,
                                     stored: stored, taken: knownStories,
                                     threads: storedThreads, progress: progress)
            fold = try ModelFold(report, state: state, storedAssignments: storedAssignments, pipeline: pipeline, lastRun: lastRun!)
        } else {
            // First run or --rebuild: cluster everything, then match to the previous stories (merges and splits).
            report = try pipeline.run(corpusPath: corpusPath, corpus: corpus, readSeconds: readSeconds, progress: progress)
            let briefs = report.corpus.briefs
            let previous = try state.previousStories()
            let clusters = report.stories.stories.map { s in (members: s.canonicalBriefs.map { briefs[$0].id }, freshId: s.id) }
            let assignment = StableIds.assign(clusters: clusters, previous: previous, taken: knownStories)
            for i in report.stories.stories.indices {
                report.stories.stories[i].id = assignment.ids[i]
                report.stories.stories[i].splitFrom = assignment.splitFrom[i]
            }
            report.stories.resort()
            merged = assignment.merged
        }
        let briefs = report.corpus.briefs

        // What changed.
        let runId = (lastRun ?? 0) + 1
        let newBriefs = Set(briefs.map(\.id).filter { storedAssignments[$0] == nil })
        let placedNew = report.dedup.canonicalIndices.contains { newBriefs.contains(briefs[$0].id) }
        var newStories: [String] = [], grown: [(String, [String])] = []
        for s in report.stories.stories {
            let added = s.briefs.map { briefs[$0].id }.filter { newBriefs.contains($0) }
            if !knownStories.contains(s.id) { newStories.append(s.id) } else if !added.isEmpty { grown.append((s.id, added)) }
        }
        let grownIds = Set(grown.map(\.0)).union(newStories)
        let quiet = try lastRun.map { try state.storiesUpdated(in: $0) }.map { $0.filter { !grownIds.contains($0) }.sorted() } ?? []
        var delta = RunDelta(runId: runId, previousRunId: lastRun, statePath: state.path,
                             filesParsed: report.corpus.files.filter(\.parsed).count, filesReused: report.corpus.files.filter { !$0.parsed }.count,
                             filesMissing: missing, newBriefs: newBriefs, newStories: newStories, grownStories: grown,
                             quietStories: quiet, merged: merged, path: .full, fullPathReason: why,
                             storyPlacement: report.stories.model != nil ? .fit : placedNew ? .window : nil)
        if lastRun != nil {
            var counts: [String: Int] = [:]
            for t in storedThreads.values { counts[t, default: 0] += 1 }
            delta.setThreadChanges(report.stories, before: storedThreads, storedCount: counts)
        }
        try commit(report, delta: delta, pipeline: pipeline, beforeCommit: beforeCommit, state: state, started: started, forgetMissing: forgetMissing, missing: missing, grownIds: grownIds,
                   storedAssignments: storedAssignments, storedStories: storedStories, fold: fold)
        return (report, delta)
    }

    /// The nightly path: briefs the state already placed keep their stories; new canonical briefs are embedded
    /// together with the stored canonical briefs of their time window (±(W + 4τ) hours, everything when times are
    /// missing), neighbours are searched for the new briefs only, and the average linkage starts from the stored
    /// stories as anchored clusters (which never merge with each other): a new brief joins a stored story, or new
    /// briefs form a new story. Duplicate groups are re-derived over the whole history. Old briefs never move here:
    /// merges and splits of existing stories happen only with `--rebuild`.
    static func incremental(corpusPath: String, corpus: Corpus, pipeline: Pipeline, readSeconds: Double,
                            stored: [String: String], taken: Set<String>, threads: [String: String] = [:],
                            progress: (String) -> Void) throws -> RunReport {
        let start = Date()
        progress("dedup")
        let briefs = corpus.briefs
        let dedup = pipeline.deduplicator.run(briefs)
        let dedupSeconds = Date().timeIntervalSince(start)
        progress("stories")
        let canonical = dedup.canonicalIndices
        var labels = [Int](repeating: -1, count: canonical.count)
        var labelOfStory: [String: Int] = [:]
        var ids: [Int: String] = [:]
        var newPositions: [Int] = [], oldPositions: [Int] = []
        for (pos, i) in canonical.enumerated() {
            guard let story = stored[briefs[i].id] else { newPositions.append(pos); continue }
            oldPositions.append(pos)
            let label = labelOfStory[story] ?? { let l = labelOfStory.count; labelOfStory[story] = l; ids[l] = story; return l }()
            labels[pos] = label
        }
        var timings: [(String, Double)] = []
        var clustered = 0
        if !newPositions.isEmpty {
            let time = { (pos: Int) in briefs[canonical[pos]].published?.timeIntervalSince1970 }
            var window = oldPositions
            let newTimes = newPositions.compactMap(time)
            if newTimes.count == newPositions.count, oldPositions.allSatisfy({ time($0) != nil }), let lo = newTimes.min(), let hi = newTimes.max() {
                let delta = pipeline.settings.stories.attachWindowSeconds
                window = oldPositions.filter { time($0)! >= lo - delta && time($0)! <= hi + delta }
            }
            let subset = window + newPositions
            clustered = subset.count
            // Stored stories enter as anchored clusters: new briefs join them or form new stories, never re-deciding
            // (or merging) the stored ones, and neighbours are searched for the new briefs only.
            let placed = try pipeline.clusterer.attach(subset.map { briefs[canonical[$0]] },
                                                                             anchors: subset.map { labels[$0] }, timings: &timings)
            // New stories are numbered in order of their smallest row (rows are visited in order).
            var newStory: [Int: Int] = [:]
            for (k, pos) in subset.enumerated() where labels[pos] < 0 {
                switch placed.placement[k] {
                case .anchor(let story): labels[pos] = story
                case .new(let cluster):
                    labels[pos] = newStory[cluster] ?? { let l = labelOfStory.count + newStory.count; newStory[cluster] = l; return l }()
                }
            }
        }
        // The clusterer's own text and weights: labels as a stateless run makes them, rows the thread step can use.
        let (model, rows) = TfidfModel.fit(canonical.map { pipeline.clusterer.clusteringText(briefs[$0]) },
                                           config: pipeline.clusterer.config.tfidfConfig)
        var stories = StoryClusterer.assemble(briefs, dedup: dedup, labels: labels, ids: ids, model: model, rows: rows, timings: timings)
        // Fresh ids never reuse one the state has seen.
        var used = taken
        let keep = Set(ids.values)
        for i in stories.stories.indices where !keep.contains(stories.stories[i].id) {
            let fresh = stories.stories[i].id
            var id = fresh, k = 2
            while used.contains(id) { id = fresh + "-\(k)"; k += 1 }
            used.insert(id)
            stories.stories[i].id = id
        }
        stories.resort()
        // Threads over the whole history, found afresh (new events can join stored threads and bridge two of them),
        // then named after the stored threads they continue.
        let clock = Date()
        pipeline.clusterer.setThreads(&stories, briefs: briefs, canonical: canonical, rows: rows, events: labels)
        stories.inheritThreadIds(stored: threads)
        stories.timings.append(("threads", Date().timeIntervalSince(clock)))
        var allTimings = [("read", readSeconds), ("dedup", dedupSeconds)] + stories.timings
        allTimings.append(("total", readSeconds + Date().timeIntervalSince(start)))
        var report = RunReport(corpusPath: corpusPath, corpus: corpus, dedup: dedup, stories: stories, settings: pipeline.settings, timings: allTimings)
        report.clusteredCanonicalBriefs = clustered > 0 ? clustered : nil
        return report
    }

    static func commit(_ report: RunReport, delta: RunDelta, pipeline: Pipeline, beforeCommit: (RunReport, RunDelta) throws -> Void,
                       state: StateStore, started: Date, forgetMissing: Bool,
                       missing: [String], grownIds: Set<String>, storedAssignments: [String: StateStore.Assignment],
                       storedStories: [String: StateStore.StoredStory], fold: ModelFold? = nil) throws {
        let briefs = report.corpus.briefs
        let parsed = Set(report.corpus.files.filter(\.parsed).map(\.path))
        let runId = delta.runId
        // Signatures and band keys of briefs from parsed files (the ones whose rows are written); of every brief when
        // the dedup settings changed since the last run, so the stored keys always match the settings in the state.
        let settingsKey = report.settings.dedup.stateKey
        let previousKey = try delta.previousRunId.flatMap { try state.totals(run: $0)?.dedupSettings }
        let rewriteAll = previousKey != settingsKey
        let toWrite = rewriteAll ? Array(briefs.indices) : briefs.indices.filter { parsed.contains(briefs[$0].source) }
        let dedup = pipeline.deduplicator
        let batch = dedup.sketch(toWrite.map { briefs[$0].text })
        let lsh = report.settings.dedup.effectiveLSH
        var storyOf = [String](repeating: "", count: briefs.count)
        for s in report.stories.stories { for b in s.briefs { storyOf[b] = s.id } }
        let toWriteIds = Set(toWrite.map { briefs[$0].id })
        try state.db.write { db in
            for path in parsed {
                try db.execute(sql: "DELETE FROM skipped WHERE source = ?", arguments: [path])
            }
            try StateStore.insertSkips(report.corpus.skipped, of: parsed, db)
            // Briefs of parsed files: drop ids no longer there, upsert the rest (first_run is kept for known ids).
            var current: [String: Set<String>] = [:]
            for i in toWrite { current[briefs[i].source, default: []].insert(briefs[i].id) }
            // The band index follows the briefs' band keys: entries of rewritten or removed briefs go first.
            if rewriteAll {
                try db.execute(sql: "DELETE FROM band_index")
                try db.execute(sql: "DELETE FROM band_recent")
            } else {
                for i in toWrite where storedAssignments[briefs[i].id] != nil {
                    try StateStore.removeBands(db, where: "id = ?", arguments: [briefs[i].id])
                }
            }
            for path in parsed {
                let ids = try String.fetchAll(db, sql: "SELECT id FROM briefs WHERE source = ?", arguments: [path])
                for id in ids where !(current[path]?.contains(id) ?? false) {
                    try StateStore.removeBands(db, where: "id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM briefs WHERE id = ?", arguments: [id])
                }
            }
            var bandPairs: [(Int64, Int64)] = []
            bandPairs.reserveCapacity(toWrite.count * lsh.bands)
            var position: [String: Int] = [:]
            for (k, i) in toWrite.enumerated() {
                let b = briefs[i]
                let pos = position[b.source, default: 0]
                position[b.source] = pos + 1
                let signature = Array(batch.signature(k))
                var keys = [UInt64](repeating: 0, count: lsh.bands)
                signature.withUnsafeBufferPointer { s in keys.withUnsafeMutableBufferPointer { lsh.bandKeys(s.baseAddress!, into: $0.baseAddress!) } }
                // The duplicate group and story go in with the row: a separate UPDATE wrote every new row twice.
                let rowid = try StateStore.upsertBrief(b, position: pos, run: runId, signature: signature, keys: keys,
                                                       canonical: briefs[report.dedup.canonicalOf[i]].id,
                                                       similarity: Double(report.dedup.similarity[i]), story: storyOf[i],
                                                       known: storedAssignments[b.id] != nil, db)
                for key in keys { bandPairs.append((Int64(bitPattern: key), rowid)) }
            }
            try StateStore.insertBands(&bandPairs, db)
            try StateStore.mergeRecentBands(force: true, db)
            // Duplicate group and story of every brief, written only where they changed: rewriting all of them was
            // a third of a nightly run over 1M stored briefs.
            for (i, b) in briefs.enumerated() {
                let now = StateStore.Assignment(canonical: briefs[report.dedup.canonicalOf[i]].id,
                                                similarity: Double(report.dedup.similarity[i]), story: storyOf[i])
                if toWriteIds.contains(b.id) || storedAssignments[b.id] == now { continue }
                try StateStore.setPlacement(b.id, canonical: now.canonical, similarity: now.similarity, story: now.story, db)
            }
            if forgetMissing {
                for path in missing {
                    try StateStore.removeBands(db, where: "source = ?", arguments: [path])
                    try db.execute(sql: "DELETE FROM briefs WHERE source = ?", arguments: [path])
                    try db.execute(sql: "DELETE FROM skipped WHERE source = ?", arguments: [path])
                    try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
                }
            }
            for f in report.corpus.files { try StateStore.upsertFile(f, run: runId, db) }
            // Stories: upsert the current ones, retire the rest (with merged_into where absorbed).
            let mergedInto = Dictionary(delta.merged, uniquingKeysWith: { a, _ in a })
            let active = Set(report.stories.stories.map(\.id))
            for id in try String.fetchAll(db, sql: "SELECT id FROM stories WHERE active = 1") where !active.contains(id) {
                try StateStore.retireStory(id, into: mergedInto[id], db)
            }
            for s in report.stories.stories {
                let now = StateStore.StoredStory(label: s.label, firstPublished: s.firstPublished?.timeIntervalSince1970,
                                                 lastPublished: s.lastPublished?.timeIntervalSince1970, size: s.briefs.count,
                                                 active: true, thread: s.thread.isEmpty ? nil : s.thread)
                if !grownIds.contains(s.id), storedStories[s.id] == now { continue }
                try StateStore.upsertStory(s, run: runId, grew: grownIds.contains(s.id), db)
            }
            // A full clustering stores its model; placed briefs join its sums; without either the sums would fall behind.
            if let model = report.stories.model {
                try StateStore.writeStoryModel(model, stories: report.stories.stories, db)
            } else if let fold {
                // A fold means every stored canonical brief kept its status, so every stored story stays: none to retire.
                try fold.write(storyOf: { report.stories.stories[report.stories.storyOf[$0]].id }, db)
            } else {
                try StateStore.dropStoryModel(db)
            }
            let totals = StateStore.RunTotals(briefs: briefs.count, duplicatesRemoved: report.dedup.stats.duplicatesRemoved,
                                              duplicateGroups: report.dedup.groups.count, stories: report.stories.stories.count,
                                              dedupSettings: settingsKey)
            try StateStore.insertRun(runId: delta.runId, filesParsed: delta.filesParsed, filesReused: delta.filesReused, started: started, corpus: report.corpusPath, totals: totals,
                                     newBriefs: delta.newBriefs.count, db)
            // Last inside the transaction: a report that cannot be written rolls the night back.
            try beforeCommit(report, delta)
        }
    }
}

extension StoryResult {
    /// Re-sorts stories (most recent activity first, then id) after their ids changed, keeping `storyOf` right.
    public mutating func resort() {
        let order = stories.indices.sorted { a, b in
            let x = stories[a].lastPublished ?? .distantPast, y = stories[b].lastPublished ?? .distantPast
            return x != y ? x > y : stories[a].id < stories[b].id
        }
        var slot = [Int](repeating: 0, count: stories.count)
        for (n, old) in order.enumerated() { slot[old] = n }
        stories = order.map { stories[$0] }
        storyOf = storyOf.map { slot[$0] }
    }
}
