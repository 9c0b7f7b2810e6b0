import ArgumentParser
import Foundation
import StoryCluster

/// Label fields `eval` and `tune` understand.
enum LabelField: String, ExpressibleByArgument, CaseIterable {
    case story, dup
}

/// Predicted labels for every labelled id (missing briefs become singletons) and the scores.
func evaluate(_ report: RunReport, gold: GoldLabels, field: LabelField) -> (ids: [String], predicted: [String], gold: [String], missing: [String], scores: ClusteringScores) {
    var predictedOf: [String: String] = [:]
    let briefs = report.corpus.briefs
    switch field {
    case .dup:
        for (i, c) in report.dedup.canonicalOf.enumerated() { predictedOf[briefs[i].id] = briefs[c].id }
    case .story:
        for (i, s) in report.stories.storyOf.enumerated() { predictedOf[briefs[i].id] = report.stories.stories[s].id }
    }
    let ids = gold.labelOf.keys.sorted()
    let missing = ids.filter { predictedOf[$0] == nil }
    let predicted = ids.map { predictedOf[$0] ?? "missing:" + $0 }
    let goldLabels = ids.map { gold.labelOf[$0]! }
    return (ids, predicted, goldLabels, missing, ClusteringMetrics.score(predicted: predicted, gold: goldLabels))
}

func loadLabels(_ path: String, field: LabelField) throws -> GoldLabels {
    do { return try GoldLabels(path: path, field: field.rawValue) } catch let e as StoryClusterError {
        throw CLIFailure(message: e.description, code: ExitStatus.failure)
    }
}

/// `storycluster eval`: scores the run against gold labels.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Score stories (or duplicate groups) against gold labels.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "Gold labels: JSON Lines with `id` and the label field.")
    var labels: String

    @Option(help: "Label field: story (story clustering) or dup (duplicate groups).")
    var field: LabelField = .story

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "How many of the worst merges and splits to list.")
    var worst: Int = 5

    func run() throws {
        let gold = try loadLabels(labels, field: field)
        let report = try runPipeline(corpusOptions, settingsOptions)
        let e = evaluate(report, gold: gold, field: field)
        let errors = ClusteringMetrics.worstErrors(predicted: e.predicted, gold: e.gold, limit: worst)
        let s = e.scores
        switch format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            w.field("field", field.rawValue)
            w.field("labelled", e.ids.count)
            for (name, prf) in [("bcubed", s.bcubed), ("pairwise", s.pairwise)] {
                w.key(name)
                w.beginObject()
                w.key("precision"); w.double(prf.precision)
                w.key("recall"); w.double(prf.recall)
                w.key("f1"); w.double(prf.f1)
                w.endObject()
            }
            w.key("ari"); w.double(s.ari)
            w.key("nmi"); w.double(s.nmi)
            w.field("predicted_clusters", s.predictedClusters)
            w.field("gold_clusters", s.goldClusters)
            w.field("missing", e.missing)
            w.key("worst_merges")
            w.beginArray()
            for m in errors.merges {
                w.beginObject(); w.field("predicted", m.cluster); w.field("size", m.size)
                w.key("gold"); w.beginObject(); for (g, n) in m.parts { w.field(g, n) }; w.endObject()
                w.endObject()
            }
            w.endArray()
            w.key("worst_splits")
            w.beginArray()
            for m in errors.splits {
                w.beginObject(); w.field("gold", m.cluster); w.field("size", m.size)
                w.key("predicted"); w.beginObject(); for (g, n) in m.parts { w.field(g, n) }; w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            FileHandle.standardOutput.write(Data(w.bytes + [0x0A]))
        case .text:
            var out = "\(e.ids.count) labelled briefs (\(field.rawValue)), \(e.missing.count) missing from the run (counted as singletons)\n"
            out += "B-cubed   \(s.bcubed)\n"
            out += "pairwise  \(s.pairwise)\n"
            out += String(format: "ARI %.3f  NMI %.3f  clusters %d predicted / %d gold\n", s.ari, s.nmi, s.predictedClusters, s.goldClusters)
            if !errors.merges.isEmpty {
                out += "\nlargest wrong merges (predicted cluster: gold clusters it mixes)\n"
                for m in errors.merges {
                    out += "  \(m.cluster) (\(m.size)): " + m.parts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ") + "\n"
                }
            }
            if !errors.splits.isEmpty {
                out += "\nmost split gold clusters (gold: predicted pieces)\n"
                for m in errors.splits {
                    out += "  \(m.cluster) (\(m.size)): " + m.parts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ") + "\n"
                }
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        case .csv, .html:
            throw ValidationError("eval prints text or json")
        }
    }
}

/// `storycluster tune`: sweeps the main threshold and prints the score curve.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sweep the main threshold against your labels and print the score curve.",
        discussion: "--field story sweeps the story threshold; --field dup sweeps the duplicate threshold.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "Gold labels: JSON Lines with `id` and the label field.")
    var labels: String

    @Option(help: "Label field: story or dup.")
    var field: LabelField = .story

    func run() throws {
        let gold = try loadLabels(labels, field: field)
        let base = try settingsOptions.settings()
        let corpus = try corpusOptions.read(base)
        let values: [Double] = field == .story ? stride(from: 0.7, through: 1.5, by: 0.1).map { $0 } : stride(from: 0.5, through: 0.95, by: 0.05).map { $0 }
        var out = field == .story ? "story_threshold" : "dup_threshold"
        out += "  B3-P   B3-R   B3-F1  pair-F1  ARI    NMI    clusters\n"
        var best: (Double, Double) = (0, -1)
        for v in values {
            var s = base
            if field == .story { s.stories.threshold = Float(v) } else { s.dedup.threshold = v }
            let report = try RunReport.make(corpusPath: corpusOptions.corpus, corpus: corpus, settings: s, readSeconds: 0)
            let e = evaluate(report, gold: gold, field: field)
            let c = e.scores
            out += String(format: "%-15.2f  %.3f  %.3f  %.3f  %.3f    %.3f  %.3f  %d/%d\n", v, c.bcubed.precision, c.bcubed.recall,
                          c.bcubed.f1, c.pairwise.f1, c.ari, c.nmi, c.predictedClusters, c.goldClusters)
            if c.bcubed.f1 > best.1 { best = (v, c.bcubed.f1) }
        }
        out += String(format: "\nbest B-cubed F1 %.3f at %.2f (default %.2f)\n", best.1, best.0,
                      field == .story ? Double(base.stories.threshold) : base.dedup.threshold)
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// `storycluster explain`: why two briefs are (not) duplicates and (not) in the same story.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain why two briefs are or are not duplicates and in the same story.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Argument(help: "First brief id.")
    var first: String

    @Argument(help: "Second brief id.")
    var second: String

    func run() throws {
        let report = try runPipeline(corpusOptions, settingsOptions)
        let ids = report.corpus.briefs.map(\.id)
        guard let i = ids.firstIndex(of: first) else { throw CLIFailure(message: "no brief with id \(first)", code: 64) }
        guard let j = ids.firstIndex(of: second) else { throw CLIFailure(message: "no brief with id \(second)", code: 64) }
        let explanation = Explanation.explain(report, i, j)
        FileHandle.standardOutput.write(Data(explanation.text(report, i, j).utf8))
    }
}
