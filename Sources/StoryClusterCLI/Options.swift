import ArgumentParser
import Foundation
import StoryCluster

/// Output formats every reporting subcommand understands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, csv, html, jsonl
}

/// Options shared by every subcommand that reads a corpus.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Corpus folder (walked recursively, hidden files skipped), a single .txt/.jsonl file, or - for standard input.")
    var corpus: String

    @Option(help: "With - : the file name standard input stands for (its extension picks pages or JSON Lines; ids of lines without one are NAME:LINE).")
    var source: String = "stdin.jsonl"

    @Option(help: "With - : the line number of standard input's first line in that file.")
    var firstLine: Int = 1

    @Option(help: settingHelp("max-line-bytes"))
    var maxLineBytes: String?

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Log each stage and its timing on stderr.")
    var verbose = false

    /// The settings: defaults, `--config`, then flags (this group's `--max-line-bytes` among them), all checked by
    /// the library's settings table. Subcommands without setting flags pass nil.
    func settings(_ settingsOptions: SettingsOptions?) throws -> RunSettings {
        if let settingsOptions { return try settingsOptions.settings(maxLineBytes: maxLineBytes) }
        var s = RunSettings()
        if let maxLineBytes { try s.apply([(Setting.named("max-line-bytes")!, .text(maxLineBytes))]) { _ in "--max-line-bytes" } }
        return s
    }

    /// The reader for these settings.
    func reader(_ settings: RunSettings, guessLanguage: Bool = true) -> CorpusReader {
        var reader = CorpusReader()
        reader.guessLanguage = guessLanguage
        reader.maxLineBytes = settings.maxLineBytes
        return reader
    }

    /// Prints each skipped input on stderr unless quiet.
    func reportSkipped(_ corpus: Corpus) {
        guard !quiet else { return }
        for s in corpus.skipped { Console.error("storycluster: \(s)") }
    }

    /// Reads the corpus, printing each skip on stderr unless quiet.
    func read(_ settings: RunSettings, guessLanguage: Bool = true) throws -> Corpus {
        let reader = reader(settings, guessLanguage: guessLanguage)
        let result: Corpus
        if corpus == "-" {
            guard firstLine >= 1 else { throw ValidationError("--first-line must be at least 1") }
            result = reader.read(bytes: FileHandle.standardInput.readDataToEndOfFile(), source: source, firstLine: firstLine)
        } else {
            result = try reader.read(corpus)
        }
        reportSkipped(result)
        return result
    }
}

/// Options for where and how a report is written.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: text, json, csv, html or jsonl (csv and html: run only; jsonl: run, one line per brief, and dedup, one line per group).")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to FILE atomically (temporary file, then rename) instead of stdout.")
    var output: String?

    /// Where the report goes, refusing targets that are inputs of this run (`protected`, the corpus).
    func target(corpus: String, protected: [String?] = []) -> ReportOutput {
        ReportOutput(path: output, protected: protected.compactMap { $0 }, corpus: corpus)
    }
}

/// The help line of a setting's flag, from the settings table (so flags, config file and defaults never disagree).
func settingHelp(_ flag: String) -> ArgumentHelp {
    let s = Setting.named(flag)!
    return ArgumentHelp("\(s.key): \(s.help); \(s.rangeText) (default \(s.defaultText)).")
}

/// Every tunable setting that has a flag: unset flags fall back to `--config FILE`, then to the defaults. Values are
/// taken as text and checked by the library's settings table (`Setting.all`), the one place ranges live.
struct SettingsOptions: ParsableArguments {
    @Option(help: "YAML (or JSON) settings file; see `storycluster config --print-defaults`. Flags override it.")
    var config: String?

    @Option(help: settingHelp("threshold")) var threshold: String?
    @Option(help: settingHelp("containment")) var containment: String?
    @Option(help: settingHelp("shingle")) var shingle: String?
    @Option(help: settingHelp("shingle-size")) var shingleSize: String?
    @Option(help: settingHelp("permutations")) var permutations: String?
    @Option(help: "dedup.bands and dedup.rows as BANDSxROWS, e.g. 16x8 (default: chosen from threshold and permutations).")
    var lsh: String?
    @Option(help: settingHelp("story-method")) var storyMethod: String?
    @Option(help: settingHelp("event-threshold")) var eventThreshold: String?
    @Option(help: settingHelp("event-window")) var eventWindow: String?
    @Option(help: settingHelp("thread-threshold")) var threadThreshold: String?
    @Option(help: settingHelp("story-threshold")) var storyThreshold: String?
    @Option(help: settingHelp("dimensions")) var dimensions: String?
    @Option(help: settingHelp("power-iterations")) var powerIterations: String?
    @Option(help: settingHelp("approximate-above")) var approximateAbove: String?
    @Option(help: settingHelp("time-window")) var timeWindow: String?
    @Flag(help: settingHelp("bigrams")) var bigrams = false
    @Option(help: settingHelp("name-boost")) var nameBoost: String?
    @Flag(help: settingHelp("dateline-terms")) var datelineTerms = false

    /// The flags given, as (setting, value) in table order.
    func given(maxLineBytes: String? = nil) throws -> [(Setting, SettingValue)] {
        var raw: [String: SettingValue] = [:]
        raw["max-line-bytes"] = maxLineBytes.map(SettingValue.text)
        raw["threshold"] = threshold.map(SettingValue.text)
        raw["containment"] = containment.map(SettingValue.text)
        raw["shingle"] = shingle.map(SettingValue.text)
        raw["shingle-size"] = shingleSize.map(SettingValue.text)
        raw["permutations"] = permutations.map(SettingValue.text)
        raw["story-method"] = storyMethod.map(SettingValue.text)
        raw["event-threshold"] = eventThreshold.map(SettingValue.text)
        raw["event-window"] = eventWindow.map(SettingValue.text)
        raw["thread-threshold"] = threadThreshold.map(SettingValue.text)
        raw["story-threshold"] = storyThreshold.map(SettingValue.text)
        raw["dimensions"] = dimensions.map(SettingValue.text)
        raw["power-iterations"] = powerIterations.map(SettingValue.text)
        raw["approximate-above"] = approximateAbove.map(SettingValue.text)
        raw["time-window"] = timeWindow.map(SettingValue.text)
        raw["name-boost"] = nameBoost.map(SettingValue.text)
        if bigrams { raw["bigrams"] = .bool(true) }
        if datelineTerms { raw["dateline-terms"] = .bool(true) }
        if let lsh {
            let parts = lsh.lowercased().split(separator: "x", omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw StoryClusterError.usage("--lsh must be BANDSxROWS, e.g. 16x8, got \(lsh)") }
            raw["dedup.bands"] = .text(String(parts[0]))
            raw["dedup.rows"] = .text(String(parts[1]))
        }
        // Table order puts the shingle kind (which resets the size to its default) before an explicit size.
        return Setting.all.compactMap { s in (s.flag.flatMap { raw[$0] } ?? raw[s.key]).map { (s, $0) } }
    }

    /// Defaults, then the config file, then flags; every value checked against the settings table.
    func settings(maxLineBytes: String? = nil) throws -> RunSettings {
        var s = RunSettings()
        if let config { s = try ConfigFile.load(config, into: s) }
        try s.apply(given(maxLineBytes: maxLineBytes)) { setting in
            setting.flag.map { "--\($0)" } ?? "--lsh (\(setting.key))"
        }
        try s.validate(origin: "command line")
        return s
    }
}

/// Writes to stderr, and knows whether the terminal wants colour and progress.
enum Console {
    /// Writes a line to stderr; a failing stderr is ignored (there is nowhere left to say so).
    static func error(_ line: String) {
        try? ReportOutput.writeAll(STDERR_FILENO, Array((line + "\n").utf8), name: "standard error")
    }

    /// Writes text to stdout; a full disk or closed pipe is a clean failure, not a crash.
    static func out(_ text: String) throws {
        try ReportOutput.writeAll(STDOUT_FILENO, Array(text.utf8), name: "standard output")
    }

    /// `text` with control characters shown as escapes, so a hostile file name cannot drive the terminal.
    static func escaped(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || (0x80..<0xA0).contains(u.value) {
                out += String(format: "\\x%02X", u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
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
        try? ReportOutput.writeAll(STDERR_FILENO, Array(String(format: "\r\u{1B}[K%@: %d briefs, %.1f s%@", stage, items, elapsed, rate).utf8), name: "standard error")
        shown = true
    }

    /// Clears the line and stops the timer.
    func finish() {
        timer?.cancel()
        lock.lock(); defer { lock.unlock() }
        if shown { try? ReportOutput.writeAll(STDERR_FILENO, Array("\r\u{1B}[K".utf8), name: "standard error") }
        stage = ""
    }
}

/// Maps a finished read to the documented exit status; `briefs` counts a state's whole history when the report
/// holds only what a run touched.
func finish(_ corpus: Corpus, briefs: Int? = nil) throws {
    if (briefs ?? corpus.briefs.count) == 0 {
        Console.error("storycluster: no briefs found in the corpus")
        throw ExitCode(ExitStatus.noBriefs.rawValue)
    }
    if corpus.hasLosses { throw ExitCode(ExitStatus.partial.rawValue) }
}
