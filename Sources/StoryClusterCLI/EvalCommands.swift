import ArgumentParser
import Foundation
import StoryCluster

extension ScoredLevel: ExpressibleByArgument {}

extension LabelField: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

/// Reads gold labels (a bad labels file is a `StoryClusterError` naming file and line).
func loadLabels(_ path: String, field: LabelField) throws -> GoldLabels {
    try GoldLabels(path: path, field: field.rawValue)
}

/// `storycluster eval`: scores the run against gold labels.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Score stories (or duplicate groups) against gold labels.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "Gold labels: JSON Lines with `id` and the label field.")
    var labels: String

    @Option(help: "Label field: dup scores duplicate groups; any other (story, event, thread, your own) scores the stories.")
    var field: LabelField = .story

    @Option(help: "Which grouping is scored: event (the stories) or thread (the threads they belong to).")
    var level: ScoredLevel = .event

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "How many of the worst merges and splits to list.")
    var worst: Int = 5

    func run() throws {
        let gold = try loadLabels(labels, field: field)
        let report = try runPipeline(corpusOptions, settingsOptions).1
        let evaluation = Evaluation(report, labels: gold, field: field, level: level)
        switch format {
        case .json: try Console.out(String(decoding: evaluation.json(worst: worst), as: UTF8.self))
        case .text: try Console.out(evaluation.text(worst: worst))
        case .csv, .html, .jsonl: throw ValidationError("eval prints text or json")
        }
    }
}

/// `storycluster tune`: sweeps the main threshold and prints the score curve.
struct Tune: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sweep the main threshold against your labels and print the score curve.",
        discussion: """
            Without --sweep: --field dup sweeps the duplicate threshold, --level thread the thread threshold, any other \
            field the story threshold. \
            --sweep KEY=V1,V2,… or KEY=LO:HI:STEP (KEY a setting of config --print-defaults, or its flag) may be \
            given several times: every combination is run.
            """)

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(help: "Gold labels: JSON Lines with `id` and the label field.")
    var labels: String

    @Option(help: "Label field: dup scores duplicate groups; any other (story, event, thread, your own) scores the stories.")
    var field: LabelField = .story

    @Option(help: "Which grouping is scored: event (the stories) or thread (the threads they belong to).")
    var level: ScoredLevel = .event

    @Option(help: "A setting and the values to try: KEY=V1,V2,… or KEY=LO:HI:STEP (repeatable: every combination runs).")
    var sweep: [String] = []

    func run() throws {
        let gold = try loadLabels(labels, field: field)
        let base = try corpusOptions.settings(settingsOptions)
        let corpus = try corpusOptions.read(base)
        let grid = sweep.isEmpty ? [try Pipeline(settings: base).defaultSweep(for: field, level: level)] : try sweep.map(Pipeline.sweepAxis)
        let points = try Pipeline(settings: base).sweep(grid, corpusPath: corpusOptions.corpus, corpus: corpus, labels: gold, field: field, level: level)
        let keys = grid.map { $0.0.key }
        let defaults = grid.map { SettingValueText(base.value(of: $0.0)) }
        try Console.out(TuningReport.text(points, keys: keys, defaults: defaults))
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
        let (pipeline, report) = try runPipeline(corpusOptions, settingsOptions)
        let ids = report.corpus.briefs.map(\.id)
        guard let i = ids.firstIndex(of: first) else { throw StoryClusterError.usage("no brief with id \(first)") }
        guard let j = ids.firstIndex(of: second) else { throw StoryClusterError.usage("no brief with id \(second)") }
        let explanation = pipeline.explain(report, i, j)
        try Console.out(explanation.text(report, i, j))
    }
}

/// A setting's value as `tune` prints it.
func SettingValueText(_ v: SettingValue) -> String {
    switch v {
    case .text(let t): return t
    case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(format: "%g", x)
    case .bool(let b): return String(b)
    case .null: return "auto"
    }
}
