import Foundation

/// The gold label field a run is scored against: `dup` scores the duplicate groups, any other field (`story`,
/// `event`, `thread`, a user's own) scores the stories.
public struct LabelField: RawRepresentable, Hashable, Sendable {
    /// The field name in the labels file.
    public var rawValue: String
    /// A field by name.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// Story labels.
    public static let story = LabelField(rawValue: "story")
    /// Duplicate-group labels.
    public static let dup = LabelField(rawValue: "dup")
    /// Whether the field labels duplicate groups rather than stories.
    public var scoresDuplicates: Bool { self == .dup }
}

/// Which of a run's groupings is scored: its stories (events) or their threads.
public enum ScoredLevel: String, CaseIterable, Sendable {
    /// Stories: one real-world event each.
    case event
    /// Threads: the running stories events belong to.
    case thread
}

/// A finished run scored against gold labels: what `eval` reports and `tune` sweeps.
public struct Evaluation: Sendable {
    /// The label field scored.
    public var field: LabelField
    /// The run's level scored (ignored for `dup`).
    public var level: ScoredLevel
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
    public init(_ report: RunReport, labels: GoldLabels, field: LabelField, level: ScoredLevel = .event) {
        var predictedOf: [String: String] = [:]
        let briefs = report.corpus.briefs
        if field.scoresDuplicates {
            for (i, c) in report.dedup.canonicalOf.enumerated() { predictedOf[briefs[i].id] = briefs[c].id }
        } else {
            for (i, s) in report.stories.storyOf.enumerated() {
                let story = report.stories.stories[s]
                predictedOf[briefs[i].id] = level == .thread && !story.thread.isEmpty ? story.thread : story.id
            }
        }
        self.field = field
        self.level = level
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

/// One point of a `tune` sweep: the values tried and the scores they gave.
public struct TuningPoint: Sendable {
    /// The value of each swept setting, in the grid's order, as given.
    public var values: [String]
    /// Scores at those values.
    public var scores: ClusteringScores
}

extension Pipeline {
    /// Runs this pipeline at every combination of `grid` (settings and the values to try, checked against the
    /// settings table) on an already read corpus, scoring each run against `labels`.
    /// - Throws: `StoryClusterError` (`.usage`) when a value is outside its setting's range.
    public func sweep(_ grid: [(Setting, [String])], corpusPath: String, corpus: Corpus, labels: GoldLabels,
                      field: LabelField, level: ScoredLevel = .event) throws -> [TuningPoint] {
        var combos: [[String]] = [[]]
        for (_, values) in grid { combos = combos.flatMap { c in values.map { c + [$0] } } }
        return try combos.map { combo in
            var s = settings
            try s.apply(zip(grid.map(\.0), combo).map { ($0, .text($1)) }) { "tune \($0.key)" }
            let report = try Pipeline(settings: s).run(corpusPath: corpusPath, corpus: corpus, readSeconds: 0)
            return TuningPoint(values: combo, scores: Evaluation(report, labels: labels, field: field, level: level).scores)
        }
    }

    /// The default sweep when none is given: the story method's threshold, or the dedup threshold for `dup` labels.
    public func defaultSweep(for field: LabelField, level: ScoredLevel = .event) -> (Setting, [String]) {
        if level == .thread && !field.scoresDuplicates {
            return (Setting.named("threads.threshold")!, stride(from: 0.1, through: 0.4, by: 0.05).map { String(format: "%.2f", $0) })
        }
        if field.scoresDuplicates {
            return (Setting.named("dedup.threshold")!, stride(from: 0.5, through: 0.95, by: 0.05).map { String(format: "%.2f", $0) })
        }
        switch settings.stories.method {
        case .events: return (Setting.named("stories.event_threshold")!, stride(from: 0.1, through: 0.3, by: 0.025).map { String(format: "%.3f", $0) })
        case .latent: return (Setting.named("stories.threshold")!, stride(from: 0.7, through: 1.5, by: 0.1).map { String(format: "%.2f", $0) })
        }
    }

    /// Parses `KEY=V1,V2,…` or `KEY=LO:HI:STEP` (KEY a config key or flag name) into a sweep axis.
    /// - Throws: `StoryClusterError` (`.usage`) for an unknown key or a malformed list.
    public static func sweepAxis(_ text: String) throws -> (Setting, [String]) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let setting = Setting.named(parts[0]) else {
            throw StoryClusterError.usage("--sweep must be KEY=V1,V2,… or KEY=LO:HI:STEP with KEY a setting (config --print-defaults), got \(text)")
        }
        let range = parts[1].split(separator: ":").map { Double($0) }
        if range.count == 3, let lo = range[0], let hi = range[1], let step = range[2], step > 0, hi >= lo, (hi - lo) / step <= 1000 {
            let n = Int(((hi - lo) / step + 1e-9).rounded(.down))
            return (setting, (0...n).map { Setting.format(lo + Double($0) * step) })
        }
        let values = parts[1].split(separator: ",").map(String.init)
        guard !values.isEmpty, !parts[1].contains(":") else { throw StoryClusterError.usage("--sweep \(text): expected V1,V2,… or LO:HI:STEP") }
        return (setting, values)
    }
}
