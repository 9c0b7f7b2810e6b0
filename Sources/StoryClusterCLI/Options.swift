import ArgumentParser
import Foundation
import StoryCluster

/// Output formats every reporting subcommand understands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv, html
}

/// Options shared by every subcommand that reads a corpus.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Corpus folder (walked recursively, hidden files skipped) or a single .txt/.jsonl file.")
    var corpus: String

    @Option(help: "Skip JSON lines and page lines longer than this many bytes (default 8 MiB).")
    var maxLineBytes: Int?

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log each stage and its timing on stderr.")
    var verbose = false

    func validate() throws {
        if let m = maxLineBytes, m <= 0 { throw ValidationError("--max-line-bytes must be positive") }
    }

    /// The reader for these options: `--max-line-bytes` wins over the settings (defaults or `--config`).
    func reader(_ settings: RunSettings, guessLanguage: Bool = true) -> CorpusReader {
        var reader = CorpusReader()
        reader.guessLanguage = guessLanguage
        reader.maxLineBytes = maxLineBytes ?? settings.maxLineBytes
        return reader
    }

    /// Prints each skipped input on stderr unless quiet.
    func reportSkipped(_ corpus: Corpus) {
        guard !quiet else { return }
        for s in corpus.skipped { Console.error("storycluster: \(s)") }
    }

    /// Reads the corpus, printing each skip on stderr unless quiet.
    func read(_ settings: RunSettings = RunSettings(), guessLanguage: Bool = true) throws -> Corpus {
        let result: Corpus
        do { result = try reader(settings, guessLanguage: guessLanguage).read(corpus) } catch let e as StoryClusterError {
            throw CLIFailure(message: e.description, code: ExitStatus.failure)
        }
        reportSkipped(result)
        return result
    }
}

/// Options for where and how a report is written.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: text, json, csv or html (csv and html: run only).")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to FILE atomically (temporary file, then rename) instead of stdout.")
    var output: String?

    /// Writes `bytes` to the output file atomically, or to stdout.
    func emit(_ bytes: [UInt8]) throws {
        guard let output else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        let url = URL(fileURLWithPath: output)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw CLIFailure(message: "\(output): cannot write report: \(error.localizedDescription)", code: ExitStatus.failure)
        }
    }
}

/// Every tunable setting as an optional flag: unset flags fall back to `--config FILE`, then to the defaults.
struct SettingsOptions: ParsableArguments {
    @Option(help: "YAML (or JSON) settings file; see `storycluster config --print-defaults`. Flags override it.")
    var config: String?

    @Option(help: "Dedup: minimum Jaccard similarity of shingle sets to a group's canonical brief, in (0, 1] (default 0.8).")
    var threshold: Double?

    @Option(help: "Dedup: shingle kind, word or char (default word).")
    var shingle: String?

    @Option(help: "Dedup: words per word shingle (default 3), bytes per character shingle (default 5).")
    var shingleSize: Int?

    @Option(help: "Dedup: MinHash permutations, a multiple of 8 (default 128).")
    var permutations: Int?

    @Option(help: "Dedup: LSH BANDSxROWS, e.g. 16x8 (default: chosen from threshold and permutations).")
    var lsh: String?

    @Option(help: "Stories: merge while the length-corrected average similarity is at least this (default 1.1).")
    var storyThreshold: Float?

    @Option(help: "Stories: SVD dimensions (default: 100·√(briefs/2500), clamped to 100…400).")
    var dimensions: Int?

    @Option(help: "Stories: SVD power iterations (default: 3 up to 2,500 briefs, 0 from 10,000).")
    var powerIterations: Int?

    @Option(help: "Stories: canonical briefs above which the neighbour search is approximate (default 50000).")
    var approximateAbove: Int?

    @Option(help: "Stories: hours within which publication times do not penalise a merge (default 48).")
    var timeWindow: Double?

    @Flag(help: "Stories: also use pairs of consecutive words as terms (off by default).")
    var bigrams = false

    @Option(help: "Stories: extra weight for names written with a capital mid-sentence, e.g. 1 (default 0: off).")
    var nameBoost: Float?

    @Flag(help: "Stories: add each brief's dateline place to the text clustered (off by default).")
    var datelineTerms = false

    func validate() throws {
        if let s = shingle, ShingleConfig.Kind(rawValue: s) == nil { throw ValidationError("--shingle must be word or char") }
        if let l = lsh, Self.parseLSH(l) == nil { throw ValidationError("--lsh must be BANDSxROWS, e.g. 16x8, got \(l)") }
    }

    static func parseLSH(_ text: String) -> LSHParams? {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
        return LSHParams(bands: parts[0], rows: parts[1])
    }

    /// Defaults, then the config file, then flags.
    func settings() throws -> RunSettings {
        var s = RunSettings()
        if let config { s = try ConfigFile.load(config, into: s) }
        if let v = threshold { s.dedup.threshold = v }
        if let v = shingle, let kind = ShingleConfig.Kind(rawValue: v) {
            s.dedup.shingles = ShingleConfig(kind: kind, size: kind == .word ? 3 : 5)
        }
        if let v = shingleSize { s.dedup.shingles.size = v }
        if let v = permutations { s.dedup.permutations = v }
        if let v = lsh { s.dedup.lsh = Self.parseLSH(v) }
        if let v = storyThreshold { s.stories.threshold = v }
        if let v = dimensions { s.stories.dimensions = v }
        if let v = timeWindow { s.stories.timeWindowHours = v }
        if let v = powerIterations { s.stories.powerIterations = v }
        if let v = approximateAbove { s.stories.approximateAbove = v }
        if bigrams { s.stories.bigrams = true }
        if let v = nameBoost { s.stories.nameBoost = v }
        if datelineTerms { s.stories.datelineTerms = true }
        try ConfigFile.validate(s, path: "command line")
        return s
    }
}

/// Exit statuses documented in the README.
enum ExitStatus {
    /// Everything was read.
    static let ok: Int32 = 0
    /// A fatal error: the corpus path does not exist, the output cannot be written.
    static let failure: Int32 = 1
    /// The run completed, but some input was skipped (each skip was reported).
    static let partial: Int32 = 3
    /// The corpus held no briefs at all.
    static let noBriefs: Int32 = 4
}

/// A fatal, user-facing failure with its exit status.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    var description: String { message }
}

/// Writes to stderr, and knows whether the terminal wants colour and progress.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
    static var stdoutWantsColor: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// Progress lines go to stderr only when it is a terminal.
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}

/// A one-line progress display on stderr for stages that run longer than a second (terminal only).
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var stage = ""
    private var stageStart = Date()
    private var items = 0
    private var timer: DispatchSourceTimer?
    private var shown = false

    init(enabled: Bool) {
        self.enabled = enabled
        guard enabled else { return }
        let t = DispatchSource.makeTimerSource(queue: .global())
        t.schedule(deadline: .now() + 1, repeating: 0.5)
        t.setEventHandler { [weak self] in self?.draw() }
        t.resume()
        timer = t
    }

    /// Starts a stage over `items` briefs.
    func begin(_ name: String, items: Int) {
        lock.lock(); stage = name; stageStart = Date(); self.items = items; lock.unlock()
    }

    private func draw() {
        lock.lock(); defer { lock.unlock() }
        let elapsed = Date().timeIntervalSince(stageStart)
        guard elapsed >= 1, !stage.isEmpty else { return }
        let rate = items > 0 ? String(format: ", %.0f briefs/s so far", Double(items) / elapsed) : ""
        FileHandle.standardError.write(Data(String(format: "\r\u{1B}[K%@: %d briefs, %.1f s%@", stage, items, elapsed, rate).utf8))
        shown = true
    }

    /// Clears the line and stops the timer.
    func finish() {
        timer?.cancel()
        lock.lock(); defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        stage = ""
    }
}

/// Maps a finished read to the documented exit status; `briefs` counts a state's whole history when the report
/// holds only what a run touched.
func finish(_ corpus: Corpus, briefs: Int? = nil) throws {
    if (briefs ?? corpus.briefs.count) == 0 {
        Console.error("storycluster: no briefs found in the corpus")
        throw ExitCode(ExitStatus.noBriefs)
    }
    if corpus.hasLosses { throw ExitCode(ExitStatus.partial) }
}
