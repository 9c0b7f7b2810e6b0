import ArgumentParser
import Foundation
import StoryCluster

/// `storycluster sketch`: the per-partition half of a distributed dedup (`Sources/SparkDriver`).
struct Sketch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write each brief's dedup sketch (exact key, version key, LSH band keys) as JSON Lines.",
        discussion: """
        The first line names the dedup settings; a driver refuses partitions sketched with other settings. Briefs \
        sharing an exact key or a band key are candidates; a driver joins them into components and runs `dedup` on \
        each component's briefs, which verifies and groups them exactly as a run over the whole corpus does.
        """)

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(name: .shortAndLong, help: "Write to FILE atomically instead of stdout.")
    var output: String?

    @Flag(help: "Also write each brief's MinHash signature (for a driver's signature pre-check).")
    var signatures = false

    func run() throws {
        try writePartition(corpusOptions, settingsOptions, output: output, guessLanguage: false) { corpus, pipeline in
            SketchJSON.lines(corpus, deduplicator: pipeline.deduplicator, signatures: signatures)
        }
    }
}

/// `storycluster terms`: document frequencies of a partition's briefs, which a driver sums into the statistics every
/// window of a distributed run weighs terms with (`run --term-stats`).
struct Terms: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the document frequency of every term of the corpus's briefs (each brief one document).",
        discussion: "Lines are documents<TAB>N then hash<TAB>df; files of several partitions add up line by line.")

    @OptionGroup var corpusOptions: CorpusOptions
    @OptionGroup var settingsOptions: SettingsOptions

    @Option(name: .shortAndLong, help: "Write to FILE atomically instead of stdout.")
    var output: String?

    func run() throws {
        try writePartition(corpusOptions, settingsOptions, output: output, guessLanguage: true) { corpus, pipeline in
            let texts = corpus.briefs.map(pipeline.clusterer.clusteringText)
            return TermStatisticsFile.write(TfidfModel.documentFrequencies(texts, config: pipeline.settings.stories.tfidfConfig))
        }
    }
}

/// The shape of every per-partition command: settings, a checked `-o` target, the corpus read, `render`'s bytes
/// written. An empty partition is no error for a driver (its output is the header alone, if any); a lost line is
/// (exit 3).
func writePartition(_ corpusOptions: CorpusOptions, _ settingsOptions: SettingsOptions, output: String?, guessLanguage: Bool,
                    render: (Corpus, Pipeline) throws -> [UInt8]) throws {
    let settings = try corpusOptions.settings(settingsOptions)
    let pipeline = try Pipeline(settings: settings)
    let target = ReportOutput(path: output, protected: [settingsOptions.config].compactMap { $0 }, corpus: corpusOptions.corpus)
    try target.check()
    let corpus = try corpusOptions.read(settings, guessLanguage: guessLanguage)
    try target.write(render(corpus, pipeline))
    if corpus.briefs.isEmpty && !corpus.hasLosses { return }
    try finish(corpus)
}
