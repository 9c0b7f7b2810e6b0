import ArgumentParser
import Foundation
import StoryCluster

/// The `storycluster` command line: each subcommand wires library stages together and formats their output.
@main
struct StoryClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storycluster",
        abstract: "Deduplicate news briefs and group them into stories.",
        version: StoryClusterVersion.current,
        subcommands: [Run.self, Ingest.self],
        defaultSubcommand: nil
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            Console.error("storycluster: \(failure.message)")
            Foundation.exit(failure.code)
        } catch {
            exit(withError: error)
        }
    }
}

/// `storycluster ingest`: lists the briefs the reader finds.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the briefs read from a corpus.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let corpus = try corpusOptions.read()
        switch outputOptions.format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            CorpusJSON.writeCorpus(corpus, to: &w)
            w.endObject()
            try outputOptions.emit(w.bytes + [0x0A])
        case .text:
            try outputOptions.emit(Array(TextReport.briefList(corpus).utf8))
        }
        try finish(corpus)
    }
}

/// `storycluster run`: the main job.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Read a corpus and report its briefs (deduplication and stories grow on this).")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let start = Date()
        let corpus = try corpusOptions.read()
        switch outputOptions.format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            CorpusJSON.writeCorpus(corpus, to: &w)
            w.endObject()
            try outputOptions.emit(w.bytes + [0x0A])
        case .text:
            var text = TextReport.summary(corpus, seconds: Date().timeIntervalSince(start)) + "\n\n"
            text += TextReport.briefList(corpus)
            try outputOptions.emit(Array(text.utf8))
        }
        try finish(corpus)
    }
}
