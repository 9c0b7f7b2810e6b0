import Foundation
import LinearAlgebra

/// The one owner of a run: checked settings and the stages built from them, in order (dedup, then stories).
///
/// Every entry point (a stateless `run`, a nightly run against a state, `explain`, `eval`, `tune`) goes through a
/// `Pipeline`, so the stages are assembled in one place and no stage ever sees settings that failed `validate`.
public struct Pipeline: Sendable {
    /// The settings every stage was built from.
    public let settings: RunSettings
    /// The near-duplicate stage.
    public let deduplicator: Deduplicator
    /// The story stage.
    public let clusterer: StoryClusterer

    /// Builds the stages from `settings`; `termStatistics` when the corpus is a part (a window) of a larger one.
    /// - Throws: `StoryClusterError` (status `.usage`) when a setting is out of range.
    public init(settings: RunSettings = RunSettings(), termStatistics: TermStatistics? = nil) throws {
        try settings.validate()
        self.settings = settings
        deduplicator = Deduplicator(config: settings.dedup)
        var clusterer = StoryClusterer(config: settings.stories)
        clusterer.termStatistics = termStatistics
        self.clusterer = clusterer
    }

    /// Runs dedup then story clustering on a read corpus; `readSeconds` is recorded as the `read` stage.
    /// `progress` is told when each stage starts (for a terminal progress line).
    public func run(corpusPath: String, corpus: Corpus, readSeconds: Double, progress: (String) -> Void = { _ in }) throws -> RunReport {
        let start = Date()
        progress("dedup")
        let dedup = deduplicator.run(corpus.briefs)
        let dedupSeconds = Date().timeIntervalSince(start)
        progress("stories")
        let stories = try Self.linearAlgebra { try clusterer.run(corpus.briefs, dedup: dedup) }
        var timings = [("read", readSeconds), ("dedup", dedupSeconds)] + stories.timings
        timings.append(("total", readSeconds + Date().timeIntervalSince(start)))
        return RunReport(corpusPath: corpusPath, corpus: corpus, dedup: dedup, stories: stories, settings: settings, timings: timings)
    }

    /// A run against a nightly state (see `NightlyRun`): the report and what changed since the previous run.
    ///
    /// `beforeCommit` is called with the finished report inside the state's transaction, before it commits: a
    /// report that cannot be written (it throws) rolls the night back, so a rerun reports the same night again.
    public func run(corpusPath: String, state: StateStore, reader: CorpusReader, rebuild: Bool = false, forgetMissing: Bool = false,
                    sinceLast: Bool = false, progress: (String) -> Void = { _ in },
                    beforeCommit: (RunReport, RunDelta) throws -> Void = { _, _ in }) throws -> (RunReport, RunDelta) {
        try Self.linearAlgebra {
            try NightlyRun.run(corpusPath: corpusPath, state: state, reader: reader, pipeline: self, rebuild: rebuild,
                               forgetMissing: forgetMissing, sinceLast: sinceLast, progress: progress, beforeCommit: beforeCommit)
        }
    }

    /// Why briefs `i` and `j` of a finished run are (not) duplicates and (not) in one story.
    public func explain(_ report: RunReport, _ i: Int, _ j: Int) -> Explanation {
        Explanation.explain(report, i, j, pipeline: self)
    }

    /// LAPACK failures come from the C boundary's own error type; users see them as the library's one error.
    static func linearAlgebra<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LinearAlgebraError {
            throw StoryClusterError("linear algebra failed: \(e.description)")
        }
    }
}
