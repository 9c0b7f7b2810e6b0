import ArgumentParser
import Foundation
import Logging
import StoryCluster

/// The `storycluster` command line: each subcommand wires library stages together and formats their output.
@main
struct StoryClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storycluster",
        abstract: "Deduplicate news briefs and group them into stories.",
        version: StoryClusterVersion.current,
        subcommands: [Run.self, Ingest.self, Dedup.self, Sketch.self, Terms.self, Eval.self, Tune.self, Explain.self, ConfigCommand.self]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as StoryClusterError {
            Console.error("storycluster: \(Console.escaped(failure.description))")
            Foundation.exit(failure.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}

/// Sets up swift-log once: warnings by default, stage timings with `--verbose`, nothing but errors with `--quiet`.
func makeLogger(_ options: CorpusOptions) -> Logger {
    struct Once { nonisolated(unsafe) static var done = false }
    if !Once.done {
        Once.done = true
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
    }
    var logger = Logger(label: "storycluster")
    logger.logLevel = options.quiet ? .error : options.verbose ? .info : .warning
    return logger
}

/// Reads the corpus and runs the whole pipeline with the resolved settings, reporting progress on a terminal.
func runPipeline(_ corpusOptions: CorpusOptions, _ settingsOptions: SettingsOptions, termStatistics: TermStatistics? = nil) throws -> (Pipeline, RunReport) {
    let logger = makeLogger(corpusOptions)
    let settings = try corpusOptions.settings(settingsOptions)
    let pipeline = try Pipeline(settings: settings, termStatistics: termStatistics)
    let progress = Progress(enabled: Console.stderrIsTerminal && !corpusOptions.quiet)
    defer { progress.finish() }
    progress.begin("read", items: 0)
    let start = Date()
    let corpus = try corpusOptions.read(settings)
    let readSeconds = Date().timeIntervalSince(start)
    logger.info("read \(corpus.briefs.count) briefs from \(corpus.filesRead) files in \(String(format: "%.3f", readSeconds)) s")
    let report = try pipeline.run(corpusPath: corpusOptions.corpus, corpus: corpus, readSeconds: readSeconds) { stage in
        progress.begin(stage, items: corpus.briefs.count)
    }
    for (stage, seconds) in report.timings { logger.info("\(stage): \(String(format: "%.3f", seconds)) s") }
    return (pipeline, report)
}

/// `storycluster run`: the main job.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a corpus, remove duplicates, group stories and report them.",
        discussion: "Text for a person (default), JSON for pipelines, CSV for spreadsheets, HTML for editors.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var outputOptions: OutputOptions

    @Option(help: "Text output: show at most this many stories.")
    var limit: Int?

    @Option(help: "Text output: show only stories with at least this many briefs.")
    var minSize: Int = 1

    func validate() throws {
        if let l = limit, l < 0 { throw ValidationError("--limit must be ≥ 0") }
        guard minSize >= 1 else { throw ValidationError("--min-size must be ≥ 1") }
    }

    @Option(help: "Keep state in this SQLite file: unchanged files are not parsed again, story ids stay stable across runs.")
    var state: String?

    @Flag(help: "With --state: re-parse every file and re-cluster everything, refitting the story model that nights place new briefs with (weekly keeps nights fast).")
    var rebuild = false

    @Flag(help: "With --state: report only what happened since the previous run (a night that only added files then reads only the new briefs and what they touch).")
    var sinceLast = false

    @Flag(help: "With --state: drop the briefs of files that are no longer in the corpus (they are kept by default).")
    var forgetMissing = false

    @Option(help: "Weigh terms by these corpus statistics (from `storycluster terms`, summed): how a window of a distributed run clusters as a run over the whole corpus does.")
    var termStats: String?

    func run() throws {
        // The target is checked before any work: a refused -o costs nothing and never touches the state.
        let target = outputOptions.target(corpus: corpusOptions.corpus,
                                          protected: [state, state.map { $0 + ".lock" }, settingsOptions.config])
        try target.check()
        let report: RunReport
        if state != nil && termStats != nil {
            throw ValidationError("--term-stats is for a window of a distributed run, not a state")
        }
        if state != nil && corpusOptions.corpus == "-" {
            throw ValidationError("--state needs a corpus folder or file: standard input has no files to remember")
        }
        if let state {
            // With a state the report is written inside the run's transaction, before it commits.
            report = try runWithState(state) { try write($0, to: target) }
        } else {
            guard !rebuild && !sinceLast && !forgetMissing else { throw ValidationError("--rebuild, --since-last and --forget-missing need --state") }
            var statistics: TermStatistics?
            if let termStats {
                // A bad statistics file is a bad option, like a bad --config (exit 64).
                guard let data = FileManager.default.contents(atPath: termStats) else { throw StoryClusterError.usage("--term-stats \(termStats): cannot be read") }
                statistics = try TermStatisticsFile.read(String(decoding: data, as: UTF8.self), name: termStats)
            }
            report = try runPipeline(corpusOptions, settingsOptions, termStatistics: statistics).1
            try write(report, to: target)
        }
        try finish(report.corpus, briefs: report.totalBriefs)
    }

    /// Renders the report in the chosen format and writes it.
    func write(_ report: RunReport, to target: ReportOutput) throws {
        switch outputOptions.format {
        case .json: try target.write(report.json())
        case .csv: try target.write(Array(report.csv().utf8))
        case .html: try target.write(Array(report.html().utf8))
        case .jsonl: try target.write(report.jsonLines())
        case .text:
            let color = target.isStandardOutput && Console.stdoutWantsColor
            try target.write(Array(report.text(limit: limit ?? .max, minSize: minSize, color: color).utf8))
        }
    }
}

extension Run {
    /// The nightly path: open (and lock) the state, reuse unchanged files, write the report, then commit in one
    /// transaction (a report that cannot be written leaves the state as it was).
    func runWithState(_ path: String, writing: (RunReport) throws -> Void) throws -> RunReport {
        let logger = makeLogger(corpusOptions)
        let settings = try corpusOptions.settings(settingsOptions)
        let pipeline = try Pipeline(settings: settings)
        let progress = Progress(enabled: Console.stderrIsTerminal && !corpusOptions.quiet)
        defer { progress.finish() }
        // A bad, locked or damaged state (found on open or during the run) is a `StoryClusterError` with its status.
        let store = try StateStore(path: path)
        let (report, delta) = try pipeline.run(corpusPath: corpusOptions.corpus, state: store, reader: corpusOptions.reader(settings),
                                               rebuild: rebuild, forgetMissing: forgetMissing, sinceLast: sinceLast,
                                               progress: { stage in progress.begin(stage, items: 0) },
                                               beforeCommit: { report, delta in
                                                   var shown = report
                                                   shown.delta = delta
                                                   shown.sinceLast = sinceLast
                                                   progress.finish()
                                                   try writing(shown)
                                               })
        corpusOptions.reportSkipped(report.corpus)
        logger.info("run \(delta.runId): \(delta.filesParsed) files parsed, \(delta.filesReused) reused, \(delta.newBriefs.count) new briefs")
        var withDelta = report
        withDelta.delta = delta
        withDelta.sinceLast = sinceLast
        return withDelta
    }
}

/// `storycluster ingest`: lists the briefs the reader finds.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the briefs read from a corpus.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let target = outputOptions.target(corpus: corpusOptions.corpus)
        try target.check()
        let corpus = try corpusOptions.read(corpusOptions.settings(nil))
        switch outputOptions.format {
        case .json:
            try target.write(DedupReport.ingestJSON(corpus))
        case .text:
            try target.write(Array((TextReport.summary(corpus, seconds: 0) + "\n" + TextReport.briefList(corpus)).utf8))
        case .csv, .html, .jsonl:
            throw ValidationError("ingest prints text or json")
        }
        try finish(corpus)
    }
}

/// `storycluster dedup`: exact and near-duplicate groups.
struct Dedup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Find exact and near-duplicate briefs and their canonical brief.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let logger = makeLogger(corpusOptions)
        let settings = try corpusOptions.settings(settingsOptions)
        let pipeline = try Pipeline(settings: settings)
        let target = outputOptions.target(corpus: corpusOptions.corpus, protected: [settingsOptions.config])
        try target.check()
        let start = Date()
        // Languages are never shown by `dedup`: skipping the guess saves a pass over every text.
        let corpus = try corpusOptions.read(settings, guessLanguage: false)
        logger.info("read \(corpus.briefs.count) briefs in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
        let dedup = pipeline.deduplicator.run(corpus.briefs)
        let s = dedup.stats
        logger.info("sign \(String(format: "%.3f", s.signSeconds)) s, lsh \(String(format: "%.3f", s.lshSeconds)) s, group \(String(format: "%.3f", s.groupSeconds)) s")
        switch outputOptions.format {
        case .json:
            try target.write(DedupReport.json(corpus, dedup))
            logger.info("written at \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
        case .jsonl:
            try target.write(DedupReport.jsonLines(corpus, dedup))
        case .text:
            try target.write(Array(DedupReport.text(corpus, dedup, seconds: Date().timeIntervalSince(start)).utf8))
        case .csv, .html:
            throw ValidationError("dedup prints text or json; use run for csv and html")
        }
        // Exit here rather than return: tearing down every brief and signature costs more than the grouping.
        do { try finish(corpus) } catch let code as ExitCode { Foundation.exit(code.rawValue) }
        Foundation.exit(ExitStatus.ok.rawValue)
    }
}

/// `storycluster config`: shows the settings.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Show every tunable setting.")

    @Flag(help: "Print the default settings as a YAML file for --config.")
    var printDefaults = false

    func run() throws {
        guard printDefaults else { throw ValidationError("use --print-defaults") }
        try Console.out(Setting.template)
    }
}
