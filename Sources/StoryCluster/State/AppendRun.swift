import Foundation
import GRDB

/// The nightly path for the common night — new files arrived, nothing known changed — reading only what the new
/// briefs touch instead of the whole history.
///
/// - Duplicates: the new briefs' band keys are looked up in the stored band index; candidates are verified by exact
///   shingle Jaccard as in a full run, and the greedy grouping is replayed for the new briefs alone. That replay is
///   exactly what a from-scratch run decides as long as every stored brief a new one is verified against comes
///   before it in canonical order (earliest published first), so the stored groups cannot change; when one does not
///   (a late brief published before a stored copy of it), the path declines and the full path runs.
/// - Stories: stored canonical briefs within ±(W + 4τ) hours of the new ones are loaded by the time index and
///   clustered with them exactly as `NightlyRun.incremental` does (stored stories anchored).
/// - Report: the new briefs and every brief of the stories they touched; history totals come from the state.
///
/// It declines (returns nil, nothing written) when a known file changed, `--forget-missing` has files to forget, a
/// new brief's id is already stored, a new or stored canonical brief has no time, or the dedup settings differ
/// from the last run's.
enum AppendRun {
    /// Runs the append-only path, or returns nil when it does not apply.
    static func run(corpusPath: String, state: StateStore, reader: CorpusReader, settings: RunSettings, forgetMissing: Bool,
                    lastRun: Int, started: Date, progress: (String) -> Void) throws -> (RunReport, RunDelta)? {
        guard let previous = try state.totals(run: lastRun), previous.dedupSettings == settings.dedup.stateKey else { return nil }
        let corpus = try reader.read(corpusPath, reuse: { state.isUnchanged($0) ? StoredFile(briefs: [], skipped: []) : nil })
        let readSeconds = Date().timeIntervalSince(started)
        guard corpus.files.allSatisfy({ !$0.parsed || !state.knowsFile($0.path) }) else { return nil }
        let missing = state.missingFiles(seen: Set(corpus.files.map(\.path)))
        guard !(forgetMissing && !missing.isEmpty) else { return nil }
        let fresh = corpus.briefs
        guard try state.db.read({ db in
            let known = try db.cachedStatement(sql: "SELECT 1 FROM briefs WHERE id = ?")
            return try fresh.allSatisfy { try Int.fetchOne(known, arguments: [$0.id]) == nil }
        }) else { return nil }

        // Duplicates of the new briefs.
        progress("dedup")
        let clock = Date()
        guard let dup = try duplicates(fresh, state: state, config: settings.dedup) else { return nil }
        let dedupSeconds = Date().timeIntervalSince(clock)

        // Stories: new canonical briefs among the stored canonical briefs of their window.
        progress("stories")
        let newCanonical = fresh.indices.filter { dup.canonical[$0] == .new($0) }
        var timings: [(String, Double)] = []
        var storyOfNew = [String?](repeating: nil, count: fresh.count)  // stored story id, or nil for a new story
        var newLabel = [Int](repeating: -1, count: fresh.count)       // label of a new story
        var model: TfidfModel?
        if !newCanonical.isEmpty {
            let times = newCanonical.compactMap { fresh[$0].published?.timeIntervalSince1970 }
            guard times.count == newCanonical.count, let lo = times.min(), let hi = times.max() else { return nil }
            let delta = 3600 * (settings.stories.timeWindowHours + 4 * settings.stories.timeDecayHours)
            let window = try state.db.read { db -> [(Brief, String)]? in
                // A stored canonical brief without a time would be in every window: the full path handles that.
                if try Int.fetchOne(db, sql: "SELECT 1 FROM briefs WHERE canonical = id AND published IS NULL LIMIT 1") != nil { return nil }
                return try Row.fetchAll(db, sql: """
                    SELECT \(StateStore.briefColumns), story FROM briefs
                    WHERE canonical = id AND published BETWEEN ? AND ? ORDER BY source, position
                    """, arguments: [lo - delta, hi + delta]).map { (StateStore.brief($0), $0["story"] ?? "") }
            }
            guard let window else { return nil }
            var labelOf: [String: Int] = [:]
            var storyOfLabel: [String] = []
            var initial: [Int] = []
            for (_, story) in window {
                let label = labelOf[story] ?? { labelOf[story] = storyOfLabel.count; storyOfLabel.append(story); return storyOfLabel.count - 1 }()
                initial.append(label)
            }
            initial += newCanonical.map { _ in -1 }
            let subset = window.map(\.0) + newCanonical.map { fresh[$0] }
            let result = try StoryClusterer(config: settings.stories).clusterCanonical(subset, timings: &timings, initial: initial)
            model = result.model
            // Anchored stories never merge, so a cluster holds at most one stored story: its new briefs join it.
            var storyOfCluster: [Int: String] = [:]
            for (k, label) in result.labels.enumerated() where initial[k] >= 0 { storyOfCluster[label] = storyOfLabel[initial[k]] }
            for (k, i) in newCanonical.enumerated() {
                let cluster = result.labels[window.count + k]
                if let story = storyOfCluster[cluster] { storyOfNew[i] = story } else { newLabel[i] = cluster }
            }
        }
        // Duplicates follow their canonical brief.
        for i in fresh.indices {
            switch dup.canonical[i] {
            case .stored(let c): storyOfNew[i] = dup.storedStory[c]
            case .new(let c) where c != i: storyOfNew[i] = storyOfNew[c]; newLabel[i] = newLabel[c]
            default: break
            }
        }

        // Everything the report shows: the new briefs and all briefs of the stored stories they joined.
        let touched = Set(storyOfNew.compactMap { $0 })
        let members = try state.db.read { db in
            try touched.sorted().flatMap { story in
                try Row.fetchAll(db, sql: "SELECT \(StateStore.briefColumns), canonical, similarity, position FROM briefs WHERE story = ?",
                                 arguments: [story]).map { row -> (brief: Brief, canonical: String, similarity: Double, story: String, position: Int) in
                    (StateStore.brief(row), row["canonical"] ?? row["id"], row["similarity"] ?? 1, story, row["position"])
                }
            }
        }
        // Report order is corpus order: by file, then position in the file (new briefs keep their reading order).
        var entries: [(brief: Brief, position: Int, canonical: String, similarity: Double, newIndex: Int?)] =
            members.map { ($0.brief, $0.position, $0.canonical, $0.similarity, nil) }
        var positionInFile: [String: Int] = [:]
        for (i, b) in fresh.enumerated() {
            let p = positionInFile[b.source, default: 0]
            positionInFile[b.source] = p + 1
            let canonicalId: String
            switch dup.canonical[i] {
            case .stored(let c): canonicalId = dup.storedIds[c]
            case .new(let c): canonicalId = fresh[c].id
            }
            entries.append((b, p, canonicalId, dup.similarity[i], i))
        }
        entries.sort { a, b in
            a.brief.source == b.brief.source ? a.position < b.position
                : Array(a.brief.source.utf8).lexicographicallyPrecedes(Array(b.brief.source.utf8))
        }
        let briefs = entries.map(\.brief)
        var slot: [String: Int] = [:]
        for (k, b) in briefs.enumerated() { slot[b.id] = k }
        // A stored duplicate's canonical brief is in its story, so in the report (a damaged state falls back to itself).
        var dedup = DedupResult(groups: [], canonicalOf: entries.indices.map { slot[entries[$0].canonical] ?? $0 }, similarity: entries.map(\.similarity),
                                stats: dup.stats)
        dedup.groups = groups(dedup.canonicalOf, similarity: dedup.similarity, briefs: briefs)
        dedup.stats.duplicatesRemoved = dedup.canonicalOf.indices.filter { dedup.canonicalOf[$0] != $0 }.count

        // A label per canonical brief of the report: stored stories by id, new stories by their cluster.
        let canonical = dedup.canonicalIndices
        let storyOfMember = Dictionary(members.map { ($0.brief.id, $0.story) }, uniquingKeysWith: { a, _ in a })
        var labels: [Int] = [], ids: [Int: String] = [:], labelOf: [String: Int] = [:]
        for i in canonical {
            let key: String
            if let n = entries[i].newIndex, storyOfNew[n] == nil { key = "\u{0}new \(newLabel[n])" } else {
                key = entries[i].newIndex.map { storyOfNew[$0]! } ?? storyOfMember[briefs[i].id]!
            }
            let label = labelOf[key] ?? { let l = labelOf.count; labelOf[key] = l; if !key.hasPrefix("\u{0}") { ids[l] = key }; return l }()
            labels.append(label)
        }
        let texts = canonical.map { StoryClusterer.matchingText(briefs[$0], dateline: settings.stories.datelineTerms) }
        let labelModel = model ?? TfidfModel.fit(texts).model
        var stories = StoryClusterer.assemble(briefs, dedup: dedup, labels: labels, ids: ids, model: labelModel,
                                              rows: labelModel.transform(texts), timings: timings)
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

        // What changed.
        let runId = lastRun + 1
        let newIds = Set(fresh.map(\.id))
        var newStories: [String] = [], grown: [(String, [String])] = []
        for s in stories.stories {
            let added = s.briefs.map { briefs[$0].id }.filter { newIds.contains($0) }
            if kept.contains(s.id) { grown.append((s.id, added)) } else { newStories.append(s.id) }
        }
        let grownIds = Set(grown.map(\.0)).union(newStories)
        let quiet = try state.storiesUpdated(in: lastRun).filter { !grownIds.contains($0) }.sorted()
        let delta = RunDelta(runId: runId, previousRunId: lastRun, statePath: state.path,
                             filesParsed: corpus.files.filter(\.parsed).count, filesReused: corpus.files.filter { !$0.parsed }.count,
                             filesMissing: missing, newBriefs: newIds, newStories: newStories, grownStories: grown,
                             quietStories: quiet, merged: [])
        // Groups that gained their first duplicate this run.
        let hadMembers = Set(members.filter { $0.canonical != $0.brief.id }.map(\.canonical))
        let newGroups = Set(dedup.groups.map { briefs[$0.canonical].id }).subtracting(hadMembers).count
        let newDuplicates = fresh.indices.filter { dup.canonical[$0] != .new($0) }.count
        let history = RunReport.HistoryCounts(briefs: previous.briefs + fresh.count, duplicatesRemoved: previous.duplicatesRemoved + newDuplicates,
                                              duplicateGroups: previous.duplicateGroups + newGroups, stories: previous.stories + newStories.count)
        var allTimings = [("read", readSeconds), ("dedup", dedupSeconds)] + stories.timings
        let storyOfBrief = Dictionary(uniqueKeysWithValues: stories.stories.flatMap { s in s.briefs.map { (briefs[$0].id, s.id) } })

        try state.db.write { db in
            for path in Set(corpus.files.filter(\.parsed).map(\.path)) {
                try db.execute(sql: "DELETE FROM skipped WHERE source = ?", arguments: [path])
            }
            for s in corpus.skipped {
                try db.execute(sql: "INSERT INTO skipped (source, line, reason, recovered) VALUES (?, ?, ?, ?)",
                               arguments: [s.source, s.line, s.reason, s.recovered])
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO briefs (id, source, position, line, title, dateline, agencies, age_minutes, published, lang, text,
                                    outlet, url, first_run, signature, band_keys, canonical, similarity, story)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var bandPairs: [(Int64, Int64)] = []
            let bands = dup.bands
            for e in entries {
                guard let i = e.newIndex else { continue }
                let b = e.brief
                let signature = Array(dup.batch.signature(i))
                let keys = Array(dup.keys[(i * bands)..<((i + 1) * bands)])
                try insert.execute(arguments: [b.id, b.source, e.position, b.line, b.title, b.dateline, b.agencies.joined(separator: "/"),
                                               b.ageMinutes, b.published?.timeIntervalSince1970, b.lang.rawValue, b.text, b.outlet, b.url,
                                               runId, signature.withUnsafeBytes { Data($0) }, keys.withUnsafeBytes { Data($0) },
                                               e.canonical, e.similarity, storyOfBrief[b.id]])
                let rowid = db.lastInsertedRowID
                for key in keys { bandPairs.append((Int64(bitPattern: key), rowid)) }
            }
            try StateStore.insertBands(&bandPairs, db)
            for f in corpus.files where f.parsed {
                try db.execute(sql: "INSERT INTO files (path, size, modified, hash, run_id) VALUES (?, ?, ?, ?, ?)",
                               arguments: [f.path, f.size, f.modified, f.hash, runId])
            }
            for s in stories.stories {
                try db.execute(sql: """
                    INSERT INTO stories (id, label, first_published, last_published, size, created_run, updated_run, merged_into,
                                         split_from, active)
                    VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, 1)
                    ON CONFLICT(id) DO UPDATE SET label = excluded.label, first_published = excluded.first_published,
                        last_published = excluded.last_published, size = excluded.size, active = 1, merged_into = NULL,
                        updated_run = excluded.updated_run
                    """, arguments: [s.id, s.label, s.firstPublished?.timeIntervalSince1970, s.lastPublished?.timeIntervalSince1970,
                                     s.briefs.count, runId, runId])
            }
            try db.execute(sql: """
                INSERT INTO runs (run_id, started, finished, corpus, files_parsed, files_reused, briefs, briefs_new, stories,
                                  duplicates_removed, duplicate_groups, dedup_settings)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runId, ISO8601.format(started), ISO8601.format(Date()), corpusPath, delta.filesParsed,
                                 delta.filesReused, history.briefs, fresh.count, history.stories, history.duplicatesRemoved,
                                 history.duplicateGroups, previous.dedupSettings])
        }
        allTimings.append(("total", Date().timeIntervalSince(started)))
        var report = RunReport(corpusPath: corpusPath, corpus: Corpus(briefs: briefs, skipped: corpus.skipped, filesRead: corpus.filesRead,
                                                                       files: corpus.files),
                               dedup: dedup, stories: stories, settings: settings, timings: allTimings)
        report.history = history
        return (report, delta)
    }

    /// Where a new brief's canonical brief is: another new brief (possibly itself) or a stored one.
    enum Canonical: Equatable {
        case new(Int)
        case stored(Int)
    }

    /// The new briefs' duplicate groups against the history.
    struct Duplicates {
        /// Canonical brief of each new brief.
        var canonical: [Canonical]
        /// Jaccard similarity to it (1 for canonical briefs).
        var similarity: [Double]
        /// Ids and stories of the stored briefs `.stored` refers to.
        var storedIds: [String], storedStory: [String]
        /// The new briefs' signatures and shingles, and their band keys (`bands` per brief).
        var batch: SketchBatch
        var keys: [UInt64]
        var bands: Int
        /// Counters for the report.
        var stats: DedupStats
    }

    /// Groups the new briefs as a from-scratch run over history + new would, or returns nil when that run could
    /// regroup stored briefs (a new brief verified against a stored one that comes after it in canonical order).
    static func duplicates(_ fresh: [Brief], state: StateStore, config: DedupConfig) throws -> Duplicates? {
        let deduplicator = Deduplicator(config: config)
        let lsh = config.effectiveLSH
        let bands = lsh.bands, k = config.permutations
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
        // Candidates among the new briefs (by shared band key) and in the stored band index.
        var bucket: [UInt64: [Int32]] = [:]
        var newPairs = Set<UInt64>()
        var storedRows: [Int64: [Int]] = [:]
        try state.db.read { db in
            let lookup = try db.cachedStatement(sql: "SELECT brief FROM band_index WHERE key = ?")
            for i in fresh.indices where batch.counts[i] > 0 {
                for b in 0..<bands {
                    let key = keys[i * bands + b]
                    for j in bucket[key, default: []] { newPairs.insert(UInt64(j) << 32 | UInt64(i)) }
                    bucket[key, default: []].append(Int32(i))
                    for rowid in try Int64.fetchAll(lookup, arguments: [Int64(bitPattern: key)]) { storedRows[rowid, default: []].append(i) }
                }
            }
        }
        // The stored candidates, re-shingled from their text (shingles are not stored: 8 bytes each).
        var storedIds: [String] = [], storedStory: [String] = [], storedCanonical: [Bool] = [], storedRank: [(Double, Int, String)] = []
        var storedTexts: [String] = []
        var pairsOf: [[Int]] = []  // per stored candidate, the new briefs that met it
        var stale = false
        try state.db.read { db in
            let fetch = try db.cachedStatement(sql: "SELECT id, text, published, canonical, story, band_keys FROM briefs WHERE rowid = ?")
            for rowid in storedRows.keys.sorted() {
                guard let row = try Row.fetchOne(fetch, arguments: [rowid]) else { stale = true; continue }
                let id: String = row["id"], text: String = row["text"]
                let stored = Set(StateStore.bandKeys(row["band_keys"] ?? Data()))
                let met = Array(Set(storedRows[rowid]!)).sorted()
                // The index entry must still be this brief's (rowids can move if someone VACUUMs the state).
                if !met.allSatisfy({ i in (0..<bands).contains { stored.contains(Int64(bitPattern: keys[i * bands + $0])) } }) { stale = true }
                storedIds.append(id)
                storedTexts.append(text)
                storedStory.append(row["story"] ?? "")
                storedCanonical.append((row["canonical"] as String?) == id)
                let published: Double? = row["published"]
                storedRank.append((published ?? .infinity, -text.utf8.count, id))
                pairsOf.append(met)
            }
        }
        if stale {
            try state.db.write { db in try StateStore.rebuildBandIndex(db) }
            return try duplicates(fresh, state: state, config: config)
        }
        let storedBatch = deduplicator.sketch(storedTexts)
        stats.candidatePairs = newPairs.count + pairsOf.reduce(0) { $0 + $1.count }
        stats.lshSeconds = Date().timeIntervalSince(clock)
        clock = Date()

        // Verification as in a full run: a signature pre-filter, then exact shingle Jaccard.
        func verify(_ a: SketchBatch, _ i: Int, _ b: SketchBatch, _ j: Int) -> Double? {
            guard a.counts[i] > 0, b.counts[j] > 0 else { return nil }
            let estimate = a.signatures.withUnsafeBufferPointer { x in
                b.signatures.withUnsafeBufferPointer { y in MinHasher.estimate(x.baseAddress! + i * k, y.baseAddress! + j * k, count: k) }
            }
            let s: Double
            if config.exactVerification {
                if estimate < config.threshold - 0.25 { return nil }
                s = a.withShingles(i) { x in b.withShingles(j) { y in jaccard(x, y) } }
            } else {
                s = estimate
            }
            return s >= config.threshold ? s : nil
        }
        func rank(_ b: Brief) -> (Double, Int, String) { (b.published?.timeIntervalSince1970 ?? .infinity, -b.text.utf8.count, b.id) }
        func before(_ x: (Double, Int, String), _ y: (Double, Int, String)) -> Bool {
            x.0 != y.0 ? x.0 < y.0 : x.1 != y.1 ? x.1 < y.1 : x.2 < y.2
        }
        var newNeighbours = [[(Int, Double)]](repeating: [], count: fresh.count)
        for p in newPairs {
            let i = Int(p >> 32), j = Int(p & 0xFFFF_FFFF)
            if let s = verify(batch, i, batch, j) { newNeighbours[i].append((j, s)); newNeighbours[j].append((i, s)) }
        }
        var storedNeighbours = [[(Int, Double)]](repeating: [], count: fresh.count)
        for (c, met) in pairsOf.enumerated() {
            for i in met {
                guard let s = verify(batch, i, storedBatch, c) else { continue }
                // A stored duplicate that a full run would see after this brief: the stored groups could change.
                if before(rank(fresh[i]), storedRank[c]) { return nil }
                storedNeighbours[i].append((c, s))
            }
        }
        stats.verifiedPairs = newNeighbours.reduce(0) { $0 + $1.count } / 2 + storedNeighbours.reduce(0) { $0 + $1.count }

        // The greedy grouping replayed: in canonical order, a brief joins the best-ranked canonical brief it was
        // verified against that comes before it (stored canonical briefs all do), or becomes canonical itself.
        let order = Deduplicator.canonicalOrder(fresh)
        var canonical = [Canonical?](repeating: nil, count: fresh.count)
        var similarity = [Double](repeating: 1, count: fresh.count)
        var position = [Int](repeating: 0, count: fresh.count)
        for (p, i) in order.enumerated() { position[i] = p }
        for i in order {
            var best: (rank: (Double, Int, String), target: Canonical, s: Double)?
            for (c, s) in storedNeighbours[i] where storedCanonical[c] {
                if best == nil || before(storedRank[c], best!.rank) { best = (storedRank[c], .stored(c), s) }
            }
            for (j, s) in newNeighbours[i] where position[j] < position[i] && canonical[j] == .new(j) {
                if best == nil || before(rank(fresh[j]), best!.rank) { best = (rank(fresh[j]), .new(j), s) }
            }
            if let best { canonical[i] = best.target; similarity[i] = best.s } else { canonical[i] = .new(i) }
        }
        stats.duplicatesRemoved = canonical.enumerated().filter { $0.element != .new($0.offset) }.count
        stats.groupSeconds = Date().timeIntervalSince(clock)
        return Duplicates(canonical: canonical.map { $0! }, similarity: similarity, storedIds: storedIds, storedStory: storedStory,
                          batch: batch, keys: keys, bands: bands, stats: stats)
    }

    /// Duplicate groups of two or more from `canonicalOf`, members in canonical order as `Deduplicator` lists them.
    static func groups(_ canonicalOf: [Int], similarity: [Double], briefs: [Brief]) -> [DuplicateGroup] {
        var membersOf: [Int: [Int]] = [:]
        for i in Deduplicator.canonicalOrder(briefs) where canonicalOf[i] != i { membersOf[canonicalOf[i], default: []].append(i) }
        return membersOf.keys.sorted().map { c in
            let members = membersOf[c]!
            return DuplicateGroup(canonical: c, members: [c] + members, minSimilarity: members.map { similarity[$0] }.min() ?? 1)
        }
    }
}
