import Foundation

/// Which clustering of a run is scored against gold labels.
public enum LabelField: String, Sendable, CaseIterable {
    /// The stories, against `story` labels.
    case story
    /// The duplicate groups, against `dup` labels.
    case dup
}

/// A finished run scored against gold labels: what `eval` reports and `tune` sweeps.
public struct Evaluation: Sendable {
    /// The label field scored.
    public var field: LabelField
    /// Labelled ids, sorted.
    public var ids: [String]
    /// The run's cluster of each labelled id (briefs missing from the run are singletons).
    public var predicted: [String]
    /// The gold label of each labelled id.
    public var gold: [String]
    /// Labelled ids the run never read.
    public var missing: [String]
    /// B-cubed, pairwise, ARI, NMI.
    public var scores: ClusteringScores

    /// Scores `report`'s stories (or duplicate groups) against `labels`.
    public init(_ report: RunReport, labels: GoldLabels, field: LabelField) {
        var predictedOf: [String: String] = [:]
        let briefs = report.corpus.briefs
        switch field {
        case .dup:
            for (i, c) in report.dedup.canonicalOf.enumerated() { predictedOf[briefs[i].id] = briefs[c].id }
        case .story:
            for (i, s) in report.stories.storyOf.enumerated() { predictedOf[briefs[i].id] = report.stories.stories[s].id }
        }
        self.field = field
        ids = labels.labelOf.keys.sorted()
        missing = ids.filter { predictedOf[$0] == nil }
        predicted = ids.map { predictedOf[$0] ?? "missing:" + $0 }
        gold = ids.map { labels.labelOf[$0]! }
        scores = ClusteringMetrics.score(predicted: predicted, gold: gold)
    }

    /// The largest wrong merges and the most split gold clusters.
    public func worstErrors(limit: Int) -> (merges: [ClusterError], splits: [ClusterError]) {
        ClusteringMetrics.worstErrors(predicted: predicted, gold: gold, limit: limit)
    }
}

/// One point of a `tune` sweep: the value tried and the scores it gave.
public struct TuningPoint: Sendable {
    /// The threshold tried.
    public var value: Double
    /// Scores at that value.
    public var scores: ClusteringScores
}

extension Pipeline {
    /// Runs this pipeline with the swept threshold (the story threshold for `.story`, the dedup threshold for `.dup`)
    /// at each of `values` on an already read corpus, scoring each run against `labels`.
    /// - Throws: `StoryClusterError` (`.usage`) when a value is outside the threshold's range.
    public func sweep(_ values: [Double], corpusPath: String, corpus: Corpus, labels: GoldLabels, field: LabelField) throws -> [TuningPoint] {
        let key = field == .story ? "stories.threshold" : "dedup.threshold"
        return try values.map { v in
            var s = settings
            try s.apply([(Setting.named(key)!, .number(v))]) { _ in "tune \(key)" }
            let report = try Pipeline(settings: s).run(corpusPath: corpusPath, corpus: corpus, readSeconds: 0)
            return TuningPoint(value: v, scores: Evaluation(report, labels: labels, field: field).scores)
        }
    }
}
