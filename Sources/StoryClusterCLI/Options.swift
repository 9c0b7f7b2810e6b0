import ArgumentParser
import Foundation
import StoryCluster

/// Output formats every reporting subcommand understands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options shared by every subcommand that reads a corpus.
struct CorpusOptions: ParsableArguments {
    @Argument(help: "Corpus folder (walked recursively, hidden files skipped) or a single .txt/.jsonl file.")
    var corpus: String

    @Option(help: "Skip JSON lines and page lines longer than this many bytes.")
    var maxLineBytes: Int = 8 << 20

    @Flag(name: .shortAndLong, help: "Print nothing on stderr but errors.")
    var quiet = false

    func validate() throws {
        guard maxLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
    }

    /// Reads the corpus, printing each skip on stderr unless quiet.
    func read() throws -> Corpus {
        var reader = CorpusReader()
        reader.maxLineBytes = maxLineBytes
        let result: Corpus
        do { result = try reader.read(corpus) } catch let e as StoryClusterError {
            throw CLIFailure(message: e.description, code: ExitStatus.failure)
        }
        if !quiet {
            for s in result.skipped { Console.error("storycluster: \(s)") }
        }
        return result
    }
}

/// Options for where and how a report is written.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output format: text or json.")
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

/// Near-duplicate settings shared by `dedup` and `run`.
struct DedupOptions: ParsableArguments {
    @Option(help: "Minimum Jaccard similarity of shingle sets to a group's canonical brief (0–1].")
    var threshold: Double = 0.8

    @Option(help: "Shingle kind: word or char.")
    var shingle: String = "word"

    @Option(help: "Shingle size: words per word shingle (default 3), bytes per character shingle (default 5).")
    var shingleSize: Int?

    @Option(help: "MinHash permutations (a multiple of 8).")
    var permutations: Int = 128

    @Option(help: "MinHash seed.")
    var seed: UInt64 = 1

    @Option(help: "LSH bands×rows, e.g. 16x8 (default: chosen from threshold and permutations).")
    var lsh: String?

    func validate() throws {
        guard threshold > 0 && threshold <= 1 else { throw ValidationError("--threshold must be in (0, 1], got \(threshold)") }
        guard permutations > 0 && permutations % 8 == 0 else { throw ValidationError("--permutations must be a positive multiple of 8") }
        guard ShingleConfig.Kind(rawValue: shingle) != nil else { throw ValidationError("--shingle must be word or char") }
        if let s = shingleSize, s < 1 { throw ValidationError("--shingle-size must be at least 1") }
        _ = try lshParams()
    }

    func lshParams() throws -> LSHParams? {
        guard let lsh else { return nil }
        let parts = lsh.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] > 0, parts[1] > 0, parts[0] * parts[1] <= permutations else {
            throw ValidationError("--lsh must be BANDSxROWS with bands·rows ≤ permutations, got \(lsh)")
        }
        return LSHParams(bands: parts[0], rows: parts[1])
    }

    /// The library configuration these flags describe.
    func config() throws -> DedupConfig {
        var c = DedupConfig()
        c.threshold = threshold
        let kind = ShingleConfig.Kind(rawValue: shingle)!
        c.shingles = ShingleConfig(kind: kind, size: shingleSize ?? (kind == .word ? 3 : 5))
        c.permutations = permutations
        c.seed = seed
        c.lsh = try lshParams()
        return c
    }
}

/// Story-clustering settings shared by `run` and `eval`.
struct StoryOptions: ParsableArguments {
    @Option(help: "Merge stories while their length-corrected average similarity is at least this.")
    var storyThreshold: Float = StoryConfig().threshold

    @Option(help: "SVD dimensions.")
    var dimensions: Int = StoryConfig().dimensions

    @Option(help: "Hours within which publication times do not penalise a merge.")
    var timeWindow: Double = StoryConfig().timeWindowHours

    func validate() throws {
        guard storyThreshold > 0 else { throw ValidationError("--story-threshold must be positive") }
        guard dimensions > 0 else { throw ValidationError("--dimensions must be positive") }
    }

    /// The library configuration these flags describe.
    func config() -> StoryConfig {
        var c = StoryConfig()
        c.threshold = storyThreshold
        c.dimensions = dimensions
        c.timeWindowHours = timeWindow
        return c
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

/// Writes to stderr.
enum Console {
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// Maps a finished read to the documented exit status.
func finish(_ corpus: Corpus) throws {
    if corpus.briefs.isEmpty {
        Console.error("storycluster: no briefs found in the corpus")
        throw ExitCode(ExitStatus.noBriefs)
    }
    if corpus.hasLosses { throw ExitCode(ExitStatus.partial) }
}
