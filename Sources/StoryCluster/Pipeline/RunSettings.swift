import Foundation

/// Every tunable setting of a run, as one value (what `config --print-defaults` shows and `--config` reads).
public struct RunSettings: Hashable, Sendable {
    /// Reader: JSON lines and page lines longer than this many bytes are skipped with a message.
    public var maxLineBytes = 8 << 20
    /// Near-duplicate settings.
    public var dedup = DedupConfig()
    /// Story-clustering settings.
    public var stories = StoryConfig()
    /// The defaults.
    public init() {}
}

