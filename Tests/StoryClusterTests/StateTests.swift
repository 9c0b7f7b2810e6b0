import Foundation
import GRDB
import Testing
@testable import StoryCluster

@Suite(.serialized) struct StateTests {
    static let pages = Fixtures.root.appendingPathComponent("Data/crawlsim/pages/world")

    /// A corpus folder holding the first `count` world pages of the crawl simulation.
    static func corpus(_ count: Int, in dir: URL) throws -> URL {
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: pages.path).sorted()
        for name in names.prefix(count) where !FileManager.default.fileExists(atPath: corpus.appendingPathComponent(name).path) {
            try FileManager.default.copyItem(at: pages.appendingPathComponent(name), to: corpus.appendingPathComponent(name))
        }
        return corpus
    }

    static func run(_ corpus: URL, state: URL, forgetMissing: Bool = false, sinceLast: Bool = false,
                    settings: RunSettings = RunSettings()) throws -> (RunReport, RunDelta) {
        let store = try StateStore(path: state.path)
        return try Pipeline(settings: settings).run(corpusPath: corpus.path, state: store, reader: CorpusReader(),
                                  forgetMissing: forgetMissing, sinceLast: sinceLast)
    }

    /// Every brief's stored canonical brief and story, read back from a state file.
    static func stored(_ state: URL) throws -> (canonical: [String: String], story: [String: String]) {
        let store = try StateStore(path: state.path)
        let a = try store.assignments()
        return (a.compactMapValues(\.canonical), a.compactMapValues(\.story))
    }

    /// Whether the band index holds exactly the stored briefs' band keys (the append path finds duplicates by it).
    static func bandIndexIsConsistent(_ state: URL) throws -> Bool {
        let store = try StateStore(path: state.path)
        return try store.db.read { db in
            var expected = Set<[Int64]>()
            for row in try Row.fetchAll(db, sql: "SELECT rowid, band_keys FROM briefs") {
                let rowid: Int64 = row[0]
                for key in StateStore.bandKeys(row[1]) { expected.insert([key, rowid]) }
            }
            // Both segments (the main index and the recent one append nights write), each entry in one of them.
            let entries = try Row.fetchAll(db, sql: "SELECT key, brief FROM band_index UNION ALL SELECT key, brief FROM band_recent")
                .map { [$0[0] as Int64, $0[1] as Int64] }
            return !expected.isEmpty && expected == Set(entries) && entries.count == expected.count
        }
    }

    /// Groups as canonical id → sorted member ids, from a report or from stored canonical ids.
    static func groupMap(_ canonical: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (id, c) in canonical where id != c { out[c, default: [c]].append(id) }
        return out.mapValues { $0.sorted() }
    }

    static func groups(_ r: RunReport) -> [[String]] {
        r.dedup.groups.map { g in g.members.map { r.corpus.briefs[$0].id } }.sorted { $0[0] < $1[0] }
    }

    @Test func incrementalRunsMatchAFromScratchRunAndKeepIds() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(20, in: dir)
        let (first, d1) = try Self.run(corpus, state: state)
        #expect(d1.runId == 1 && d1.previousRunId == nil && d1.filesParsed == 20)
        _ = try Self.corpus(48, in: dir)
        let (second, d2) = try Self.run(corpus, state: state)
        #expect(d2.runId == 2 && d2.previousRunId == 1 && d2.filesParsed == 28 && d2.filesReused == 20)
        // Same duplicate groups and stories as a stateless run over the same files.
        let scratch = try Pipeline(settings: RunSettings()).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        #expect(Self.groups(second) == Self.groups(scratch))
        let ids = second.corpus.briefs.map(\.id)
        let a = ids.indices.map { second.stories.storyOf[$0] }, b = ids.indices.map { scratch.stories.storyOf[$0] }
        #expect(ClusteringMetrics.score(predicted: a, gold: b).bcubed.f1 >= 0.98)
        // A story of run 1 whose briefs all stay together keeps its id.
        let storyOfBrief2 = Dictionary(uniqueKeysWithValues: second.corpus.briefs.indices.map { (second.corpus.briefs[$0].id, second.stories.stories[second.stories.storyOf[$0]].id) })
        var kept = 0
        for s in first.stories.stories {
            let now = Set(s.canonicalBriefs.map { storyOfBrief2[first.corpus.briefs[$0].id]! })
            if now.count == 1 { kept += now.contains(s.id) ? 1 : 0 } else { kept += 1 }
        }
        #expect(kept == first.stories.stories.count, "story ids changed without a merge or split")
        #expect(!d2.newStories.isEmpty && !d2.grownStories.isEmpty)
    }

    @Test func appendOnlyNightsMatchAFromScratchRun() throws {
        // Night 1 reads 20 pages, nights 2 and 3 bring new pages only: with --since-last they take the append path
        // (new briefs looked up in the stored band index, only the time window and touched stories loaded).
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(20, in: dir)
        _ = try Self.run(corpus, state: state, sinceLast: true)  // first run: always the full path
        for pages in [34, 48] {
            _ = try Self.corpus(pages, in: dir)
            var (night, delta) = try Self.run(corpus, state: state, sinceLast: true)
            night.delta = delta
            night.sinceLast = true
            #expect(delta.path == .append && night.history != nil, "pages \(pages): \(delta.fullPathReason ?? "")")
            // 14 pages on 20 is more growth than the stored model admits (`StoryConfig.modelGrowth`): the window is
            // re-embedded and the model, whose sums no longer cover the stories, is dropped.
            #expect(delta.storyPlacement == .window)
            #expect(try Self.storyModel(state) == nil)
            #expect(delta.filesParsed == 14 && delta.filesReused == pages - 14 && delta.newBriefs.count > 0)
            #expect(!delta.newStories.isEmpty && !delta.grownStories.isEmpty)
            // The report holds the new briefs and every brief of the stories they touched; it shows the new and grown.
            let held = Set(night.stories.stories.map(\.id)), shown = Set(night.reportedStories.map { night.stories.stories[$0].id })
            #expect(shown == Set(delta.newStories).union(delta.grownStories.map(\.0)) && held.isSuperset(of: shown))
            #expect(night.reportedBriefs.count == delta.newBriefs.count)
            let stored = try Self.stored(state)
            #expect(night.history!.briefs == stored.canonical.count)
            #expect(night.history!.duplicatesRemoved == stored.canonical.filter { $0.key != $0.value }.count)
            #expect(night.history!.duplicateGroups == Self.groupMap(stored.canonical).count)
            #expect(night.history!.stories == Set(stored.story.values).count)
        }
        #expect(try Self.bandIndexIsConsistent(state))
        // Duplicate groups identical to a from-scratch run over all 48 pages; stories agree at B-cubed F1 >= 0.98.
        let scratch = try Pipeline(settings: RunSettings()).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        let (canonical, story) = try Self.stored(state)
        let briefs = scratch.corpus.briefs
        let scratchCanonical = Dictionary(uniqueKeysWithValues: briefs.indices.map { (briefs[$0].id, briefs[scratch.dedup.canonicalOf[$0]].id) })
        #expect(canonical.count == briefs.count)
        #expect(Self.groupMap(canonical) == Self.groupMap(scratchCanonical))
        var storyIndex: [String: Int] = [:]
        let predicted = briefs.map { b in storyIndex[story[b.id]!] ?? { storyIndex[story[b.id]!] = storyIndex.count; return storyIndex.count - 1 }() }
        #expect(ClusteringMetrics.score(predicted: predicted, gold: scratch.stories.storyOf).bcubed.f1 >= 0.98)
        // The counts the report gives for the history are the state's.
        let (full, _) = try Self.run(corpus, state: state)
        #expect(full.history == nil && full.corpus.briefs.count == briefs.count)
        #expect(full.dedup.groups.count == Self.groupMap(canonical).count)
    }

    @Test func threadsAreStoredAndKeepTheirIdsAcrossNights() throws {
        // Night 1: the seed page (the strike and the drone attack are unrelated there) and one extra brief. Night 2
        // brings the later crawls (append path): the two events become one thread. Night 3 forgets the extra file
        // (full path, threads found afresh): the thread keeps its id.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let sample = Fixtures.root.appendingPathComponent("Data/sample")
        let pages = try FileManager.default.contentsOfDirectory(atPath: sample.path).sorted()
        try FileManager.default.copyItem(at: sample.appendingPathComponent(pages[0]), to: corpus.appendingPathComponent(pages[0]))
        _ = Fixtures.write(#"{"id": "extra-1", "text": "Windmolenpark bij Urk levert voor het eerst stroom aan het net", "published": "2026-11-24T09:00:00Z"}"# + "\n",
                           "extra.jsonl", in: corpus)
        func threadOf(_ report: RunReport, _ dateline: String) -> (story: String, thread: String)? {
            let b = report.corpus.briefs
            return b.indices.first { b[$0].dateline == dateline }.map {
                let s = report.stories.stories[report.stories.storyOf[$0]]
                return (s.id, s.thread)
            }
        }
        let (first, _) = try Self.run(corpus, state: state)
        let t1 = try #require(threadOf(first, "TAMPA")), r1 = try #require(threadOf(first, "RIYAD"))
        #expect(t1.thread != r1.thread)
        for name in pages.dropFirst() { try FileManager.default.copyItem(at: sample.appendingPathComponent(name), to: corpus.appendingPathComponent(name)) }
        let (second, delta2) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(delta2.path == .append)
        let t2 = try #require(threadOf(second, "TAMPA")), r2 = try #require(threadOf(second, "RIYAD"))
        #expect(t2.story == t1.story && r2.story == r1.story && t2.thread == r2.thread)
        func storedThread(_ story: String) throws -> String? {
            try StateStore(path: state.path).db.read { try String.fetchOne($0, sql: "SELECT thread FROM stories WHERE id = ?", arguments: [story]) }
        }
        #expect(try storedThread(t2.story) == t2.thread && storedThread(r2.story) == t2.thread)
        try FileManager.default.removeItem(at: corpus.appendingPathComponent("extra.jsonl"))
        let (third, delta3) = try Self.run(corpus, state: state, forgetMissing: true)
        #expect(delta3.path == .full)
        let t3 = try #require(threadOf(third, "TAMPA")), r3 = try #require(threadOf(third, "RIYAD"))
        #expect(t3.thread == t2.thread && r3.thread == t2.thread)
        #expect(third.stories.threads.filter { $0.id == t2.thread }.first?.stories.count == 2)
    }

    @Test func aNightsNewEventJoinsAStoredThreadItDidNotTouch() throws {
        // Night 1: the seed page. Night 2: a tanker seizure six days after the strike (TAMPA), too late for the
        // strike's story but within the thread window; the night touches no stored story, so only the thread context
        // (stored stories of the window) can put it in the strike's thread. Night 3 adds a third event (grown), and a
        // full run (--rebuild) keeps the thread and its id.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let sample = Fixtures.root.appendingPathComponent("Data/sample")
        let page = try FileManager.default.contentsOfDirectory(atPath: sample.path).sorted()[0]
        try FileManager.default.copyItem(at: sample.appendingPathComponent(page), to: corpus.appendingPathComponent(page))
        func storyAndThread(_ report: RunReport, where match: (Brief) -> Bool) throws -> (story: String, thread: String) {
            let b = report.corpus.briefs
            let i = try #require(b.indices.first { match(b[$0]) })
            let s = report.stories.stories[report.stories.storyOf[i]]
            return (s.id, s.thread)
        }
        let (first, _) = try Self.run(corpus, state: state)
        let strike = try storyAndThread(first) { $0.dateline == "TAMPA" }
        _ = Fixtures.write(#"{"id": "tanker", "text": "STRAAT VAN HORMUZ (ANP/RTR) - De Iraanse Revolutionaire Garde heeft een olietanker in beslag genomen in de Straat van Hormuz. Teheran spreekt van vergelding voor de oorlog die het Amerikaanse leger voert.", "published": "2026-12-01T10:00:00Z"}"# + "\n",
                           "night2.jsonl", in: corpus)
        let (second, delta2) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(delta2.path == .append)
        let tanker = try storyAndThread(second) { $0.id.hasSuffix("tanker") }
        #expect(tanker.story != strike.story)
        #expect(!second.stories.stories.contains { $0.id == strike.story })  // the strike's story was not touched
        #expect(tanker.thread == strike.thread)
        #expect(delta2.newThreads == [strike.thread] && delta2.grownThreads.isEmpty)
        _ = Fixtures.write(#"{"id": "embassy", "text": "BAGDAD (ANP/AFP) - De Iraanse Revolutionaire Garde heeft drones afgevuurd op de Amerikaanse ambassade in Bagdad, als vergelding voor de oorlog die het Amerikaanse leger voert en de aanvallen van Central Command.", "published": "2026-12-03T08:00:00Z"}"# + "\n",
                           "night3.jsonl", in: corpus)
        let (third, delta3) = try Self.run(corpus, state: state, sinceLast: true)
        let embassy = try storyAndThread(third) { $0.id.hasSuffix("embassy") }
        #expect(embassy.thread == strike.thread)
        #expect(delta3.newThreads.isEmpty && delta3.grownThreads.map(\.0) == [strike.thread])
        #expect(delta3.grownThreads.first?.1 == [embassy.story])
        let (fourth, _) = try Pipeline(settings: RunSettings()).run(corpusPath: corpus.path, state: StateStore(path: state.path),
                                                                   reader: CorpusReader(), rebuild: true)
        let again = try storyAndThread(fourth) { $0.id.hasSuffix("tanker") }
        #expect(again.thread == strike.thread)
        #expect(Set(fourth.stories.threads.first { $0.id == strike.thread }?.stories ?? []) == [strike.story, tanker.story, embassy.story])
    }

    /// The stored model's fit size and briefs placed since, and per story its vector's size, or nil without a model.
    static func storyModel(_ state: URL) throws -> (fitted: Int, folded: Int, sizes: [String: Int])? {
        let store = try StateStore(path: state.path)
        return try store.db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT fitted, folded FROM story_model") else {
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM story_vectors") == 0)
                return nil
            }
            let sizes = try Row.fetchAll(db, sql: "SELECT story, size FROM story_vectors").map { ($0[0] as String, $0[1] as Int) }
            return (row[0], row[1], Dictionary(uniqueKeysWithValues: sizes))
        }
    }

    /// Per story, its canonical briefs in the state.
    static func canonicalPerStory(_ state: URL) throws -> [String: Int] {
        let (canonical, story) = try stored(state)
        var out: [String: Int] = [:]
        for (id, c) in canonical where id == c { out[story[id]!, default: 0] += 1 }
        return out
    }

    @Test func nightsPlaceNewBriefsThroughTheStoredStoryModel() throws {
        // A first run stores its story model: TF-IDF and SVD basis, and per story the sum of its briefs' clustering
        // vectors. A night adding less than `modelGrowth` of what it was fitted on places its briefs through it
        // (no window re-embedded), and adds them to the stories' sums.
        // The stored model belongs to the latent method (events store none: nights re-cluster their window).
        var latent = RunSettings()
        latent.stories.method = .latent
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(42, in: dir)
        let (first, d1) = try Self.run(corpus, state: state, sinceLast: true, settings: latent)
        #expect(d1.path == .full && d1.storyPlacement == .fit)
        let fitted = try #require(try Self.storyModel(state))
        #expect(fitted.fitted == first.dedup.canonicalIndices.count && fitted.folded == 0)
        #expect(fitted.sizes == (try Self.canonicalPerStory(state)))
        let before = state.deletingLastPathComponent().appendingPathComponent("before.sqlite")
        let full = state.deletingLastPathComponent().appendingPathComponent("full.sqlite")
        try FileManager.default.copyItem(at: state, to: before)
        try FileManager.default.copyItem(at: state, to: full)

        _ = try Self.corpus(48, in: dir)
        let (night, d2) = try Self.run(corpus, state: state, sinceLast: true, settings: latent)
        #expect(d2.path == .append && d2.storyPlacement == .model, "\(d2.fullPathReason ?? "")")
        #expect(!d2.newStories.isEmpty && !d2.grownStories.isEmpty)
        let model = try #require(try Self.storyModel(state))
        #expect(model.fitted == fitted.fitted && model.folded > 0 && model.folded <= night.corpus.briefs.count)
        #expect(model.sizes == (try Self.canonicalPerStory(state)), "a story's vector sums exactly its canonical briefs")
        // Duplicate groups identical to a from-scratch run; stories agree with it at B-cubed F1 >= 0.98.
        let scratch = try Pipeline(settings: latent).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        let (canonical, story) = try Self.stored(state)
        let briefs = scratch.corpus.briefs
        let scratchCanonical = Dictionary(uniqueKeysWithValues: briefs.indices.map { (briefs[$0].id, briefs[scratch.dedup.canonicalOf[$0]].id) })
        #expect(Self.groupMap(canonical) == Self.groupMap(scratchCanonical))
        var storyIndex: [String: Int] = [:]
        let predicted = briefs.map { b in storyIndex[story[b.id]!] ?? { storyIndex[story[b.id]!] = storyIndex.count; return storyIndex.count - 1 }() }
        #expect(ClusteringMetrics.score(predicted: predicted, gold: scratch.stories.storyOf).bcubed.f1 >= 0.98)

        // The same night on the full path (no --since-last) re-embeds the window and adds the new briefs to the sums.
        let (_, d5) = try Self.run(corpus, state: full, settings: latent)
        #expect(d5.path == .full && d5.storyPlacement == .window)
        let folded = try #require(try Self.storyModel(full))
        #expect(try folded.folded > 0 && folded.sizes == Self.canonicalPerStory(full))

        // Other story settings cannot use the model: the same night re-embeds its window and drops it.
        var other = latent
        other.stories.smoothing = 2
        let (_, d3) = try Self.run(corpus, state: before, sinceLast: true, settings: other)
        #expect(d3.path == .append && d3.storyPlacement == .window)
        #expect(try Self.storyModel(before) == nil)
        // A full clustering stores it again.
        let d4 = try Pipeline(settings: other).run(corpusPath: corpus.path, state: StateStore(path: before.path), reader: CorpusReader(),
                                    rebuild: true).1
        #expect(d4.storyPlacement == .fit && d4.fullPathReason == "--rebuild")
        #expect(try Self.storyModel(before)?.folded == 0)
    }

    @Test func appendPathDeclinesWhenAKnownFileChanges() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(10, in: dir)
        _ = try Self.run(corpus, state: state)
        // A known page is edited (one brief dropped): only the full path can retire its briefs.
        let name = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()[3]
        let url = corpus.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        try (String(text.prefix(text.count / 2)) + "\n").write(to: url, atomically: true, encoding: .utf8)
        let (night, delta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(night.history == nil && delta.filesParsed == 1)
        #expect(try Self.bandIndexIsConsistent(state))
        // Changed dedup settings: the stored band keys no longer apply, so the full path runs and rewrites them all.
        _ = try Self.corpus(14, in: dir)
        var settings = RunSettings()
        settings.dedup.threshold = 0.7
        let (changed, _) = try Self.run(corpus, state: state, sinceLast: true, settings: settings)
        #expect(changed.history == nil)
        #expect(try Self.bandIndexIsConsistent(state))
        let scratch = try Pipeline(settings: settings).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        #expect(Self.groups(changed) == Self.groups(scratch))
        // The next night with the same settings appends again.
        _ = try Self.corpus(16, in: dir)
        let (appended, _) = try Self.run(corpus, state: state, sinceLast: true, settings: settings)
        #expect(appended.history != nil)
    }

    @Test func aDailyFileThatGrowsIsReadFromWhereItEnded() throws {
        // One JSON Lines file the crawler appends to all day, documents without ids (ids are `file:line`): the next
        // night parses only the appended lines and appends them, with the groups of a from-scratch run.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        let source = try String(contentsOf: Fixtures.root.appendingPathComponent("Data/uci-news-dev/corpus.jsonl"), encoding: .utf8)
        var docs = source.split(separator: "\n").prefix(1500).map { line -> [String: Any] in
            var d = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            d["id"] = nil
            return d
        }
        docs.sort { ($0["published"] as! String) < ($1["published"] as! String) }
        let lines = try docs.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) + "\n" }
        let file = corpus.appendingPathComponent("today.jsonl")
        try lines.prefix(1000).joined().write(to: file, atomically: true, encoding: .utf8)
        _ = try Self.run(corpus, state: state)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.dropFirst(1000).joined().utf8))
        try handle.close()
        var (night, delta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(delta.path == .append, "\(delta.fullPathReason ?? "")")
        #expect(delta.filesParsed == 1 && delta.newBriefs.count == 500)
        night.delta = delta
        night.sinceLast = true
        let added = night.reportedBriefs.map { night.corpus.briefs[$0] }
        #expect(Set(added.map(\.id)) == Set((1001...1500).map { "today.jsonl:\($0)" }))
        #expect(added.allSatisfy { $0.id == "today.jsonl:\($0.line)" })
        #expect(try Self.bandIndexIsConsistent(state))
        let scratch = try Pipeline(settings: RunSettings()).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        let briefs = scratch.corpus.briefs
        let expected = Dictionary(uniqueKeysWithValues: briefs.indices.map { (briefs[$0].id, briefs[scratch.dedup.canonicalOf[$0]].id) })
        let stored = try Self.stored(state)
        #expect(stored.canonical.count == 1500 && Self.groupMap(stored.canonical) == Self.groupMap(expected))
        // Appended lines with a NUL byte are skipped one by one (with their line), as a full read would.
        let more = try FileHandle(forWritingTo: file)
        try more.seekToEnd()
        try more.write(contentsOf: Data("{\"text\": \"bad\u{0}line\", \"published\": \"2014-03-28T00:00:00Z\"}\n".utf8))
        try more.write(contentsOf: Data("{\"text\": \"Quake shakes the coast of Chile, no tsunami warning\", \"published\": \"2014-03-28T01:00:00Z\"}\n".utf8))
        try more.close()
        let (withNul, nulDelta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(nulDelta.path == .append && nulDelta.newBriefs == ["today.jsonl:1502"], "\(nulDelta.fullPathReason ?? "")")
        #expect(withNul.corpus.skipped.contains { $0.line == 1501 && $0.reason.contains("NUL") })
        // Only blank lines appended: the full path reads the file as a whole.
        let blank = try FileHandle(forWritingTo: file)
        try blank.seekToEnd()
        try blank.write(contentsOf: Data("\n  \n".utf8))
        try blank.close()
        let (_, blankDelta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(blankDelta.path == .full)
        // Stored positions continue the file's, in line order.
        let order = try StateStore(path: state.path).db.read { db in
            try Row.fetchAll(db, sql: "SELECT position, line FROM briefs WHERE source = 'today.jsonl' ORDER BY position").map { [$0[0] as Int, $0[1] as Int] }
        }
        #expect(order.map { $0[0] } == Array(0..<1501) && order.map { $0[1] } == Array(1...1500) + [1502])
        let (_, rerun) = try Self.run(corpus, state: state)
        #expect(rerun.filesParsed == 0 && rerun.newBriefs.isEmpty)
        // A rewritten first line is not growth: the full path reads the whole file again.
        try ("{\"text\": \"a new first line\", \"published\": \"2014-03-10T00:00:00Z\"}\n" + lines.joined()).write(to: file, atomically: true, encoding: .utf8)
        let (_, rewritten) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(rewritten.path == .full && (rewritten.fullPathReason ?? "").contains("changed"))
    }

    @Test func appendPathDeclinesWithoutTimesOrOnAKnownId() throws {
        // JSON Lines without `published`: a window cannot be chosen, so the night takes the full path, and says why.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        func line(_ id: String, _ text: String) -> String { "{\"id\": \"\(id)\", \"text\": \"\(text)\"}\n" }
        _ = Fixtures.write(line("a1", "Storm closes the port of Rotterdam for a second day as winds reach 120 km/h")
                           + line("a2", "Dutch cabinet agrees on a new budget after talks through the night"), "a.jsonl", in: corpus)
        _ = try Self.run(corpus, state: state)
        _ = Fixtures.write(line("b1", "Port of Rotterdam stays closed as the storm keeps winds near 120 km/h"), "b.jsonl", in: corpus)
        let (_, untimed) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(untimed.path == .full && (untimed.fullPathReason ?? "").contains("no publication time"), "\(untimed.fullPathReason ?? "")")
        // A new file that repeats a stored id: only the full path can decide which one stays.
        _ = Fixtures.write(line("a2", "Dutch cabinet agrees on a new budget after talks through the night"), "c.jsonl", in: corpus)
        let (again, known) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(known.path == .full && (known.fullPathReason ?? "").contains("already stored"), "\(known.fullPathReason ?? "")")
        #expect(again.corpus.skipped.contains { $0.reason.contains("duplicate id \"a2\"") })
    }

    @Test func schemaOneStatesAreMigrated() throws {
        // A state as schema 1 left it: no band index, no story/time indexes, no totals in runs, a terms table.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(10, in: dir)
        _ = try Self.run(corpus, state: state)
        try sqlite(state, """
            DROP TABLE band_index; DROP INDEX briefs_by_story; DROP INDEX briefs_canonical_by_time;
            ALTER TABLE runs DROP COLUMN duplicates_removed; ALTER TABLE runs DROP COLUMN duplicate_groups;
            ALTER TABLE runs DROP COLUMN dedup_settings; ALTER TABLE runs DROP COLUMN brief_rowid_max;
            CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL); DROP TABLE story_model; DROP TABLE story_basis; DROP TABLE story_basis_rows;
            DROP TABLE story_vectors; DROP TABLE band_recent;
            DROP INDEX stories_thread; ALTER TABLE stories DROP COLUMN thread;
            ALTER TABLE stories DROP COLUMN seal; ALTER TABLE briefs DROP COLUMN place_seal;
            DELETE FROM grdb_migrations WHERE identifier IN ('v2', 'v3', 'v4', 'v5', 'v6'); PRAGMA user_version = 1;
            """)
        #expect(try Self.bandIndexIsConsistent(state))  // opening migrates: the band index is refilled
        let version = try StateStore(path: state.path).db.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
        #expect(version == StateStore.schemaVersion)
        // The first night after the migration has no totals to start from: the full path; then append again.
        _ = try Self.corpus(14, in: dir)
        let (_, d1) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(d1.path == .full && (d1.fullPathReason ?? "").contains("schema-1"))
        _ = try Self.corpus(18, in: dir)
        let (_, d2) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(d2.path == .append, "\(d2.fullPathReason ?? "")")
        #expect(try Self.bandIndexIsConsistent(state))
        // A migrated state has no story model until a full clustering (--rebuild) stores one: nights re-embed windows.
        #expect(d1.storyPlacement == .window && d2.storyPlacement == .window)
        #expect(try Self.storyModel(state) == nil)
    }

    @Test func movedRowidsAreRepairedBeforeAnAppendNight() throws {
        // The band index refers to briefs by rowid, which VACUUM may renumber: simulate that, then append a night.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(20, in: dir)
        _ = try Self.run(corpus, state: state)
        try sqlite(state, "UPDATE briefs SET rowid = rowid + 100000;")
        #expect(try !Self.bandIndexIsConsistent(state))
        _ = try Self.corpus(34, in: dir)
        let (_, delta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(delta.path == .append, "\(delta.fullPathReason ?? "")")
        #expect(try Self.bandIndexIsConsistent(state))
        let scratch = try Pipeline(settings: RunSettings()).run(corpusPath: corpus.path, corpus: CorpusReader().read(corpus.path), readSeconds: 0)
        let briefs = scratch.corpus.briefs
        let expected = Dictionary(uniqueKeysWithValues: briefs.indices.map { (briefs[$0].id, briefs[scratch.dedup.canonicalOf[$0]].id) })
        #expect(Self.groupMap(try Self.stored(state).canonical) == Self.groupMap(expected))
    }

    @Test func touchedFilesWithTheSameBytesAreNotReparsed() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(12, in: dir)
        _ = try Self.run(corpus, state: state)
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path) {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 3600)], ofItemAtPath: corpus.appendingPathComponent(name).path)
        }
        _ = try Self.corpus(14, in: dir)
        let (_, delta) = try Self.run(corpus, state: state, sinceLast: true)
        #expect(delta.path == .append && delta.filesParsed == 2 && delta.filesReused == 12, "\(delta.fullPathReason ?? "")")
        // A page without a crawl stamp in its name dates its briefs by its modification time: touching it is a change.
        let pages = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        let unstamped = corpus.appendingPathComponent("wire.txt")
        try FileManager.default.copyItem(at: corpus.appendingPathComponent(pages[0]), to: unstamped)
        _ = try Self.run(corpus, state: state)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 7200)], ofItemAtPath: unstamped.path)
        let (_, retimed) = try Self.run(corpus, state: state)
        #expect(retimed.filesParsed == 1)
        try FileManager.default.removeItem(at: unstamped)
        _ = try Self.run(corpus, state: state, forgetMissing: true)
        // An edited file (same name, other bytes) is parsed again.
        let first = corpus.appendingPathComponent(try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()[0])
        try (try String(contentsOf: first, encoding: .utf8) + "\n").write(to: first, atomically: true, encoding: .utf8)
        let (_, edited) = try Self.run(corpus, state: state)
        #expect(edited.filesParsed == 1)
    }

    @Test func rerunOnAnUnchangedCorpusChangesNothing() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(15, in: dir)
        let (a, _) = try Self.run(corpus, state: state)
        var b = a
        b.timings = []
        let (c, delta) = try Self.run(corpus, state: state)
        #expect(delta.filesParsed == 0 && delta.filesReused == 15 && delta.newBriefs.isEmpty && delta.newStories.isEmpty && delta.grownStories.isEmpty)
        #expect(a.stories.stories.map(\.id) == c.stories.stories.map(\.id))
        #expect(a.stories.stories.map(\.briefs) == c.stories.stories.map(\.briefs))
        #expect(a.corpus.briefs == c.corpus.briefs)
    }

    @Test func missingFilesStayUnlessForgotten() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(6, in: dir)
        let (before, _) = try Self.run(corpus, state: state)
        let gone = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()[0]
        try FileManager.default.removeItem(at: corpus.appendingPathComponent(gone))
        let (kept, d) = try Self.run(corpus, state: state)
        #expect(d.filesMissing == [gone])
        #expect(kept.corpus.briefs.map(\.id) == before.corpus.briefs.map(\.id))
        let (forgotten, _) = try Self.run(corpus, state: state, forgetMissing: true)
        #expect(!forgotten.corpus.briefs.contains { $0.source == gone })
        let (after, d4) = try Self.run(corpus, state: state)
        #expect(d4.filesMissing.isEmpty && after.corpus.briefs.count == forgotten.corpus.briefs.count)
    }

    @Test func secondRunOnTheSameStateIsLockedOut() throws {
        let dir = Fixtures.tempDir()
        let path = dir.appendingPathComponent("state.sqlite").path
        let holder = try StateStore(path: path)
        #expect(throws: StoryClusterError.self) { _ = try StateStore(path: path) }
        do { _ = try StateStore(path: path) } catch let e as StoryClusterError {
            #expect(e.exitCode == 6 && e.description.contains("another storycluster run"))
        }
        _ = holder
        let cli = try CLITests.run(["run", "Data/sample", "--state", path])
        #expect(cli.status == 6 && cli.stderr.contains("another storycluster run is using this state (pid \(getpid()))"))
    }

    @Test func badStateFilesAreRefusedAndLeftAlone() throws {
        let dir = Fixtures.tempDir()
        func check(_ name: String, _ bytes: [UInt8], _ message: String) throws {
            let url = Fixtures.write(bytes, name, in: dir)
            #expect(throws: StoryClusterError.self) { _ = try StateStore(path: url.path) }
            do { _ = try StateStore(path: url.path) } catch let e as StoryClusterError {
                #expect(e.description.contains(message), "\(name): \(e.description)")
                #expect(e.exitCode == 5)
            }
            #expect(try Data(contentsOf: url) == Data(bytes), "\(name) was modified")
        }
        try check("notes.sqlite", Array("just some notes\n".utf8), "not a storycluster state")
        // Another application's SQLite database.
        let other = dir.appendingPathComponent("other.sqlite")
        try sqlite(other, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        try check("other.sqlite", Array(try Data(contentsOf: other)), "not a storycluster state")
        // A state from a newer schema.
        let newer = dir.appendingPathComponent("newer.sqlite")
        _ = try StateStore(path: newer.path)
        try sqlite(newer, "PRAGMA user_version = 99;")
        try check("newer.sqlite", Array(try Data(contentsOf: newer)), "newer storycluster")
        // A damaged state: valid header, garbage pages.
        let damaged = dir.appendingPathComponent("damaged.sqlite")
        do {
            let state = try StateStore(path: damaged.path)  // released (and unlocked) at the end of this scope
            _ = try Pipeline().run(corpusPath: Fixtures.sample.path, state: state, reader: CorpusReader())
        }
        var bytes = Array(try Data(contentsOf: damaged))
        for i in 4096..<min(bytes.count, 4096 * 3) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try check("damaged.sqlite", bytes, "damaged")
    }

    @Test func damageFoundInTheMiddleOfARunIsReportedAndRolledBack() throws {
        // Big states check only their small tables on open; a damaged page of the band index must still stop the
        // run with the damaged-state error, and the file must not be written.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("state.sqlite")
        let corpus = try Self.corpus(6, in: dir)
        _ = try Self.run(corpus, state: state)
        let root = try StateStore(path: state.path).db.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'band_index'")! }
        var bytes = Array(try Data(contentsOf: state))
        for i in ((root - 1) * 4096)..<(root * 4096) { bytes[i] = UInt8(truncatingIfNeeded: i &* 37) }
        try Data(bytes).write(to: state)
        _ = try Self.corpus(8, in: dir)
        #expect(throws: StoryClusterError.self) {
            let store = try StateStore(path: state.path, fullCheckBytes: 0)
            _ = try Pipeline().run(corpusPath: corpus.path, state: store, reader: CorpusReader(), sinceLast: true)
        }
        do {
            let store = try StateStore(path: state.path, fullCheckBytes: 0)
            _ = try Pipeline().run(corpusPath: corpus.path, state: store, reader: CorpusReader(), sinceLast: true)
        } catch let e as StoryClusterError {
            #expect(e.exitCode == 5 && e.description.contains("damaged"), "\(e.description)")
        }
        #expect(Array(try Data(contentsOf: state)) == bytes)
    }

    /// Runs SQL through the sqlite3 shell (a different writer than ours, as another application would be).
    func sqlite(_ url: URL, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", url.path, sql]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
    }

    @Test func killedRunsLeaveAUsableState() throws {
        // Kill real runs at seeded random moments; every time the state must open cleanly, hold either the previous
        // run or the finished one, and the next run must complete with the same stories as an undisturbed state.
        let dir = Fixtures.tempDir()
        let corpus = try Self.corpus(48, in: dir)
        let reference = dir.appendingPathComponent("reference.sqlite")
        let expected = try CLITests.run(["run", corpus.path, "--state", reference.path, "--format", "json", "-q"])
        #expect(expected.status == 0)
        let referenceStories = try Self.storySets(expected.stdout)
        let start = Date()
        _ = try CLITests.run(["run", corpus.path, "--state", dir.appendingPathComponent("timing.sqlite").path, "-q"])
        let duration = Date().timeIntervalSince(start)
        var rng = SeededRNG(seed: 7)
        for attempt in 0..<6 {
            let state = dir.appendingPathComponent("killed-\(attempt).sqlite")
            let delay = Double.random(in: 0...(duration * 1.1), using: &rng)
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = ["run", corpus.path, "--state", state.path, "-q"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if FileManager.default.fileExists(atPath: state.path) {
                let store = try StateStore(path: state.path)  // opens: not damaged, lock released by the kill
                let runs = try store.lastRunId()
                #expect(runs == nil || runs == 1, "attempt \(attempt) after \(delay) s: runs \(String(describing: runs))")
            }
            let rerun = try CLITests.run(["run", corpus.path, "--state", state.path, "--format", "json", "-q"])
            #expect(rerun.status == 0, "attempt \(attempt): \(rerun.stderr)")
            #expect(try Self.storySets(rerun.stdout) == referenceStories, "attempt \(attempt) after \(delay) s")
        }
    }

    @Test func killedAppendRunsLeaveTheNightBefore() throws {
        // The append path commits in one transaction too: kill --since-last nights at seeded random moments; the
        // state must hold night 1 or night 2 complete, and the rerun must end where an undisturbed night ends. Once
        // with a night that re-embeds its window (24 pages, then all 48) and once with one placed through the story
        // model (42, then 48), whose sums must end byte for byte as the undisturbed night leaves them.
        try killAppendNights(firstPages: 24, attempts: 4, seed: 11, placement: "window")
        try killAppendNights(firstPages: 42, attempts: 3, seed: 12, placement: "model")
    }

    /// The stored story model's rows and every story vector's bytes.
    static func modelBytes(_ state: URL) throws -> [String: [Data]] {
        try StateStore(path: state.path).db.read { db in
            var out: [String: [Data]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT story, sum, size, time_sum, time_count FROM story_vectors") {
                out[row[0]] = [row[1], Data("\(row[2] as Int) \(row[3] as Double) \(row[4] as Double)".utf8)]
            }
            if let m = try Row.fetchOne(db, sql: "SELECT fitted, folded FROM story_model") { out["\u{0}model"] = [Data("\(m[0] as Int) \(m[1] as Int)".utf8)] }
            return out
        }
    }

    func killAppendNights(firstPages: Int, attempts: Int, seed: UInt64, placement: String) throws {
        // Model placement is the latent method's; the window nights run the default (events).
        let method = placement == "model" ? ["--story-method", "latent"] : []
        let dir = Fixtures.tempDir()
        let corpus = try Self.corpus(firstPages, in: dir)
        let night1 = dir.appendingPathComponent("night1.sqlite")
        #expect(try CLITests.run(["run", corpus.path, "--state", night1.path, "-q"] + method).status == 0)
        _ = try Self.corpus(48, in: dir)
        let reference = dir.appendingPathComponent("reference.sqlite")
        try FileManager.default.copyItem(at: night1, to: reference)
        let start = Date()
        let undisturbed = try CLITests.run(["run", corpus.path, "--state", reference.path, "--since-last", "-q", "--format", "json"] + method)
        #expect(undisturbed.status == 0 && undisturbed.stdout.contains("\"story_placement\":\"\(placement)\""))
        let duration = Date().timeIntervalSince(start)
        let expected = try Self.stored(reference)
        let expectedModel = try Self.modelBytes(reference)
        #expect((expectedModel["\u{0}model"] != nil) == (placement == "model"))
        var rng = SeededRNG(seed: seed)
        for attempt in 0..<attempts {
            let state = dir.appendingPathComponent("killed-\(attempt).sqlite")
            try FileManager.default.copyItem(at: night1, to: state)
            let p = Process()
            p.executableURL = CLITests.binary
            p.arguments = ["run", corpus.path, "--state", state.path, "--since-last", "-q"] + method
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: Double.random(in: 0...(duration * 1.1), using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let runs = try StateStore(path: state.path).lastRunId()
            #expect(runs == 1 || runs == 2, "attempt \(attempt): runs \(String(describing: runs))")
            let rerun = try CLITests.run(["run", corpus.path, "--state", state.path, "--since-last", "-q"] + method)
            #expect(rerun.status == 0, "attempt \(attempt): \(rerun.stderr)")
            let got = try Self.stored(state)
            #expect(got.canonical == expected.canonical && got.story == expected.story, "attempt \(attempt)")
            #expect(try Self.modelBytes(state) == expectedModel, "attempt \(attempt)")
            #expect(try Self.bandIndexIsConsistent(state))
        }
    }

    static func storySets(_ json: String) throws -> Set<[String]> {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return Set((object["stories"] as! [[String: Any]]).map { ($0["briefs"] as! [String]).sorted() })
    }

    @Test func stableIdsReportMergesAndSplits() {
        let previous: [String: Set<String>] = ["sA": ["a1", "a2", "a3"], "sB": ["b1", "b2"], "sC": ["c1", "c2", "c3", "c4"]]
        // A and B merge (A is bigger and keeps its id); C splits in two; a new cluster appears.
        let clusters: [(members: [String], freshId: String)] = [
            (["a1", "a2", "a3", "b1", "b2", "n1"], "sX"), (["c1", "c2", "c3"], "sY"), (["c4", "c5"], "sZ"), (["n2"], "sN"),
        ]
        let a = StableIds.assign(clusters: clusters, previous: previous, taken: ["sA", "sB", "sC", "sZ"])
        #expect(a.ids == ["sA", "sC", "sZ-2", "sN"])
        #expect(a.merged.map(\.0) == ["sB"] && a.merged.map(\.1) == ["sA"])
        #expect(a.splitFrom == [nil, nil, "sC", nil])
    }
}
