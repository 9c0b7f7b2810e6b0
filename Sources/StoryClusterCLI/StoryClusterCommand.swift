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
        subcommands: [Run.self, Ingest.self, Dedup.self, Eval.self],
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
    static let configuration = CommandConfiguration(abstract: "Read a corpus, remove duplicates, group stories and report.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var dedupOptions: DedupOptions
    @OptionGroup var storyOptions: StoryOptions
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let start = Date()
        let corpus = try corpusOptions.read()
        let dedup = Deduplicator(config: try dedupOptions.config()).run(corpus.briefs)
        let stories = try StoryClusterer(config: storyOptions.config()).run(corpus.briefs, dedup: dedup)
        switch outputOptions.format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            CorpusJSON.writeCorpus(corpus, to: &w)
            DedupJSON.writeGroups(dedup, briefs: corpus.briefs, to: &w)
            StoryJSON.writeStories(stories, briefs: corpus.briefs, to: &w)
            DedupJSON.writeStats(dedup.stats, to: &w)
            w.endObject()
            try outputOptions.emit(w.bytes + [0x0A])
        case .text:
            var text = TextReport.summary(corpus, seconds: Date().timeIntervalSince(start))
            text += ", \(dedup.stats.duplicatesRemoved) duplicates removed, \(stories.stories.count) stories\n\n"
            text += TextReport.stories(stories, dedup: dedup, briefs: corpus.briefs)
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

/// `storycluster eval`: scores the run against gold labels.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Score stories (or duplicate groups) against gold labels.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var dedupOptions: DedupOptions
    @OptionGroup var storyOptions: StoryOptions

    @Option(help: "Gold labels: JSON Lines with `id` and the label field.")
    var labels: String

    @Option(help: "Label field: story (story clustering) or dup (duplicate groups).")
    var field: String = "story"

    @Option(name: .shortAndLong, help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let corpus = try corpusOptions.read()
        let gold: GoldLabels
        do { gold = try GoldLabels(path: labels, field: field) } catch let e as StoryClusterError {
            throw CLIFailure(message: e.description, code: ExitStatus.failure)
        }
        let dedup = Deduplicator(config: try dedupOptions.config()).run(corpus.briefs)
        var predictedOf: [String: String] = [:]
        if field == "dup" {
            for (i, c) in dedup.canonicalOf.enumerated() { predictedOf[corpus.briefs[i].id] = corpus.briefs[c].id }
        } else {
            let stories = try StoryClusterer(config: storyOptions.config()).run(corpus.briefs, dedup: dedup)
            for (i, s) in stories.storyOf.enumerated() { predictedOf[corpus.briefs[i].id] = stories.stories[s].id }
        }
        // Briefs in the labels but missing from the run count as singletons.
        let ids = gold.labelOf.keys.sorted()
        let missing = ids.filter { predictedOf[$0] == nil }
        let scores = ClusteringMetrics.score(predicted: ids.map { predictedOf[$0] ?? "missing:" + $0 }, gold: ids.map { gold.labelOf[$0]! })
        switch format {
        case .json:
            var w = JSONWriter()
            w.beginObject()
            for (name, prf) in [("bcubed", scores.bcubed), ("pairwise", scores.pairwise)] {
                w.key(name)
                w.beginObject()
                w.key("precision"); w.double(prf.precision)
                w.key("recall"); w.double(prf.recall)
                w.key("f1"); w.double(prf.f1)
                w.endObject()
            }
            w.key("ari"); w.double(scores.ari)
            w.key("nmi"); w.double(scores.nmi)
            w.field("predicted_clusters", scores.predictedClusters)
            w.field("gold_clusters", scores.goldClusters)
            w.field("missing", missing)
            w.endObject()
            FileHandle.standardOutput.write(Data(w.bytes + [0x0A]))
        case .text:
            var out = "\(ids.count) labelled briefs, \(missing.count) missing from the run\n"
            out += "B-cubed   \(scores.bcubed)\n"
            out += "pairwise  \(scores.pairwise)\n"
            out += String(format: "ARI %.3f  NMI %.3f  clusters %d predicted / %d gold\n", scores.ari, scores.nmi, scores.predictedClusters, scores.goldClusters)
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
