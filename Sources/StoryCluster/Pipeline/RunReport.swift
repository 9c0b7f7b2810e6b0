import Foundation

/// The result of one `run`: what was read, the duplicate groups, the stories, and how long each stage took.
public struct RunReport: Sendable {
    /// The corpus path as given.
    public var corpusPath: String
    /// Briefs and skipped input.
    public var corpus: Corpus
    /// Duplicate groups.
    public var dedup: DedupResult
    /// Stories.
    public var stories: StoryResult
    /// Settings used.
    public var settings: RunSettings
    /// Seconds per stage, in pipeline order (`total` last).
    public var timings: [(String, Double)]
    /// With a state: what changed since the previous run.
    public var delta: RunDelta? = nil
    /// Report only what happened since the previous run (new and grown stories, new briefs).
    public var sinceLast = false
    /// Counts of the whole history when `corpus` holds only part of it (the append-only nightly path loads the new
    /// briefs and the stories they touched); nil when the report holds everything.
    public var history: HistoryCounts? = nil

    /// Counts of a state's whole history, for reports that hold only the part a run touched.
    public struct HistoryCounts: Sendable {
        /// Briefs in the history.
        public var briefs: Int
        /// Briefs folded into duplicate groups.
        public var duplicatesRemoved: Int
        /// Duplicate groups of two or more.
        public var duplicateGroups: Int
        /// Current stories.
        public var stories: Int
        /// Creates the counts.
        public init(briefs: Int, duplicatesRemoved: Int, duplicateGroups: Int, stories: Int) {
            self.briefs = briefs
            self.duplicatesRemoved = duplicatesRemoved
            self.duplicateGroups = duplicateGroups
            self.stories = stories
        }
    }

    /// Canonical briefs the story stage actually clustered, when that is not all of them (a nightly run clusters
    /// the time window around its new briefs): the automatic settings the report shows are the ones that applied.
    public var clusteredCanonicalBriefs: Int? = nil

    /// Briefs in the whole history.
    public var totalBriefs: Int { history?.briefs ?? corpus.briefs.count }
    /// Duplicate groups in the whole history.
    public var totalDuplicateGroups: Int { history?.duplicateGroups ?? dedup.groups.count }
    /// Stories in the whole history.
    public var totalStories: Int { history?.stories ?? stories.stories.count }

    /// Indices of the stories to report (all, or with `sinceLast` the new and grown ones).
    public var reportedStories: [Int] {
        guard sinceLast, let delta else { return Array(stories.stories.indices) }
        let changed = Set(delta.newStories).union(delta.grownStories.map(\.0))
        return stories.stories.indices.filter { changed.contains(stories.stories[$0].id) }
    }

    /// Indices of the briefs to report (all, or with `sinceLast` the new ones).
    public var reportedBriefs: [Int] {
        guard sinceLast, let delta else { return Array(corpus.briefs.indices) }
        return corpus.briefs.indices.filter { delta.newBriefs.contains(corpus.briefs[$0].id) }
    }

    /// Number of briefs folded into duplicate groups.
    public var duplicatesRemoved: Int { history?.duplicatesRemoved ?? dedup.stats.duplicatesRemoved }
}

