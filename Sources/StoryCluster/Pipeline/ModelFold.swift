import Foundation
import GRDB
import LinearAlgebra

/// New canonical briefs' vectors in the stored model's space, to be added to their stories' sums at a commit: what
/// keeps the model's sums covering every story's members between full clusterings.
struct ModelFold {
    /// The model the vectors are in.
    var model: StoryModel
    /// Indices (into the run's briefs) of the new canonical briefs whose vectors join their stories' sums.
    var placed: [Int]
    /// One row per `placed` brief.
    var vectors: Matrix
    /// Publication times of `placed` (seconds since 1970).
    var times: [Double?]
    /// Story sums the run already read, by story id (the others are read at the commit).
    var loaded: [String: StoryVector] = [:]

    /// A fold of vectors an append night computed while placing its briefs among the `loaded` stories.
    init(model: StoryModel, placed: [Int], vectors: Matrix, times: [Double?], loaded: [String: StoryVector]) {
        self.model = model
        self.placed = placed
        self.vectors = vectors
        self.times = times
        self.loaded = loaded
    }

    /// The fold for a full path without `--rebuild`, which places new briefs by re-embedding their window: their
    /// vectors in the model's space are computed here as an append night would (with no stories to place them among).
    /// Nil, and the commit drops the model, unless the run only added briefs: every stored brief is still there with
    /// its canonical status (so no story lost or swapped a canonical brief), no known file was re-read (its briefs'
    /// texts may have changed under the same ids), the dedup settings are the last run's, and the model admits the
    /// new canonical briefs.
    init?(_ report: RunReport, state: StateStore, storedAssignments: [String: StateStore.Assignment], pipeline: Pipeline,
          lastRun: Int) throws {
        guard try state.totals(run: lastRun)?.dedupSettings == pipeline.settings.dedup.stateKey,
              !report.corpus.files.contains(where: { $0.parsed && state.knownFile($0.path) != nil }) else { return nil }
        let briefs = report.corpus.briefs
        var stored = 0
        for (i, b) in briefs.enumerated() {
            guard let a = storedAssignments[b.id] else { continue }
            stored += 1
            if (a.canonical == b.id) != (report.dedup.canonicalOf[i] == i) { return nil }
        }
        guard stored == storedAssignments.count else { return nil }
        placed = report.dedup.canonicalIndices.filter { storedAssignments[briefs[$0].id] == nil }
        guard let model = try state.storyModel(config: pipeline.settings.stories, admitting: placed.count) else { return nil }
        var timings: [(String, Double)] = []
        vectors = pipeline.clusterer.place(placed.map { briefs[$0] }, among: [], model: model, timings: &timings).vectors
        times = placed.map { briefs[$0].published?.timeIntervalSince1970 }
        self.model = model
    }

    /// Adds the vectors to the stories' sums (`storyOf` gives a placed brief's story id) and counts the briefs as
    /// folded.
    func write(storyOf: (Int) -> String?, _ db: Database) throws {
        let d = vectors.columns
        var updated: [String: StoryVector] = [:]
        try vectors.values.withUnsafeBufferPointer { rows in
            for (k, i) in placed.enumerated() {
                guard let id = storyOf(i) else { continue }
                var v = try updated[id] ?? loaded[id] ?? StateStore.storyVector(id, db) ?? .empty(d)
                v.add(UnsafeBufferPointer(rebasing: rows[(k * d)..<((k + 1) * d)]), seconds: times[k])
                updated[id] = v
            }
        }
        for (id, v) in updated.sorted(by: { $0.key < $1.key }) { try StateStore.upsertStoryVector(id, v, db) }
        try db.execute(sql: "UPDATE story_model SET folded = ? WHERE id = 1", arguments: [model.folded + placed.count])
        try StateStore.reseal(StateStore.sealedModel, where: "id = 1", db)
    }
}
