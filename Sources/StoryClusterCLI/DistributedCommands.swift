import ArgumentParser
import Foundation
import StoryCluster

/// `storycluster sketch`: the per-partition half of a distributed dedup (`Distributed/spark/`).
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
        let settings = try corpusOptions.settings(settingsOptions)
        let pipeline = try Pipeline(settings: settings)
        let target = ReportOutput(path: output, protected: [settingsOptions.config].compactMap { $0 }, corpus: corpusOptions.corpus)
        try target.check()
        let corpus = try corpusOptions.read(settings, guessLanguage: false)
        try target.write(SketchJSON.lines(corpus, deduplicator: pipeline.deduplicator, signatures: signatures))
        // An empty partition is no error for a driver (its sketch is the header alone); a lost line is (exit 3).
        if corpus.briefs.isEmpty && !corpus.hasLosses { return }
        try finish(corpus)
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
        let settings = try corpusOptions.settings(settingsOptions)
        let pipeline = try Pipeline(settings: settings)
        let target = ReportOutput(path: output, protected: [settingsOptions.config].compactMap { $0 }, corpus: corpusOptions.corpus)
        try target.check()
        let corpus = try corpusOptions.read(settings)
        let texts = corpus.briefs.map(pipeline.clusterer.clusteringText)
        try target.write(TermStatisticsFile.write(TfidfModel.documentFrequencies(texts, config: settings.stories.tfidfConfig)))
        if corpus.briefs.isEmpty && !corpus.hasLosses { return }
        try finish(corpus)
    }
}
