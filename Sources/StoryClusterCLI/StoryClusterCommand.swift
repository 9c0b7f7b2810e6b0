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
        subcommands: [Run.self, Ingest.self, Dedup.self],
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
    static let configuration = CommandConfiguration(abstract: "Read a corpus, remove duplicates and report.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var dedupOptions: DedupOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let start = Date()
        let corpus = try corpusOptions.read()
        let dedup = Deduplicator(config: try dedupOptions.config()).run(corpus.briefs)
        switch outputOptions.format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            CorpusJSON.writeCorpus(corpus, to: &w)
            DedupJSON.writeGroups(dedup, briefs: corpus.briefs, to: &w)
            DedupJSON.writeStats(dedup.stats, to: &w)
            w.endObject()
            try outputOptions.emit(w.bytes + [0x0A])
        case .text:
            var text = TextReport.summary(corpus, seconds: Date().timeIntervalSince(start))
            text += ", \(dedup.stats.duplicatesRemoved) duplicates removed in \(dedup.groups.count) groups\n\n"
            text += TextReport.duplicateGroups(dedup, briefs: corpus.briefs)
            if !dedup.groups.isEmpty { text += "\n" }
            text += TextReport.briefList(Corpus(briefs: dedup.canonicalIndices.map { corpus.briefs[$0] }))
            try outputOptions.emit(Array(text.utf8))
        }
        try finish(corpus)
    }
}

/// `storycluster dedup`: exact and near-duplicate groups.
struct Dedup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Find exact and near-duplicate briefs and their canonical brief.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var dedupOptions: DedupOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let start = Date()
        let corpus = try corpusOptions.read()
        let dedup = Deduplicator(config: try dedupOptions.config()).run(corpus.briefs)
        switch outputOptions.format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            DedupJSON.writeGroups(dedup, briefs: corpus.briefs, to: &w)
            DedupJSON.writeStats(dedup.stats, to: &w)
            w.key("skipped")
            w.beginArray()
            for s in corpus.skipped { CorpusJSON.write(s, to: &w) }
            w.endArray()
            w.endObject()
            try outputOptions.emit(w.bytes + [0x0A])
        case .text:
            var text = TextReport.summary(corpus, seconds: Date().timeIntervalSince(start))
            let s = dedup.stats
            text += ", \(s.duplicatesRemoved) duplicates (\(s.exactDuplicates) exact) in \(dedup.groups.count) groups"
            text += "; LSH \(s.bands)×\(s.rows), \(s.candidatePairs) candidates, \(s.verifiedPairs) verified\n\n"
            text += TextReport.duplicateGroups(dedup, briefs: corpus.briefs)
            try outputOptions.emit(Array(text.utf8))
        }
        try finish(corpus)
    }
}
