import Foundation

/// One news brief as read from the corpus: the unit every later stage works on.
public struct Brief: Hashable, Sendable {
    /// Stable id: `<path relative to the corpus>#<n>` for pages, the JSON `id` (or `<path>:<line>`) for JSON Lines.
    public var id: String
    /// The file the brief came from, relative to the corpus root.
    public var source: String
    /// 1-based line in `source` where the brief starts.
    public var line: Int
    /// Headline, when the page or document carries one.
    public var title: String?
    /// The dateline's place (and date, if any), e.g. `RIYAD` or `WASHINGTON, June 17`.
    public var dateline: String?
    /// Agencies named in the dateline, e.g. `["ANP", "AFP", "RTR"]`.
    public var agencies: [String]
    /// Age the page showed for the brief (`31 minuten geleden` → 31), if any.
    public var ageMinutes: Int?
    /// Publication time: the document's own, or crawl time minus age.
    public var published: Date?
    /// Cheap language guess from stop-word hits.
    public var lang: Language
    /// Body text as displayed, without dateline and time markers.
    public var text: String
    /// Publisher or outlet named by a JSON Lines document (`source` field), if any.
    public var outlet: String?
    /// URL named by a JSON Lines document, if any.
    public var url: String?

    /// Creates a brief; `lang` defaults to a guess from `title` and `text`.
    public init(id: String, source: String, line: Int = 1, title: String? = nil, dateline: String? = nil,
                agencies: [String] = [], ageMinutes: Int? = nil, published: Date? = nil,
                lang: Language? = nil, text: String, outlet: String? = nil, url: String? = nil) {
        self.id = id
        self.source = source
        self.line = line
        self.title = title
        self.dateline = dateline
        self.agencies = agencies
        self.ageMinutes = ageMinutes
        self.published = published
        self.text = text
        self.outlet = outlet
        self.url = url
        self.lang = lang ?? LanguageGuesser.guess(title.map { $0 + " " + text } ?? text)
    }
}

/// A piece of input the reader could not use, with where it was and why.
public struct SkippedInput: Hashable, Sendable, CustomStringConvertible {
    /// File path relative to the corpus root (or the path given, for a single file).
    public var source: String
    /// 1-based line, when the problem is on one line.
    public var line: Int?
    /// What was wrong, in words a user can act on.
    public var reason: String
    /// Whether the input was read after all (e.g. decoded as Windows-1252): a warning rather than a loss.
    public var recovered: Bool

    /// Creates a skip entry.
    public init(source: String, line: Int? = nil, reason: String, recovered: Bool = false) {
        self.source = source
        self.line = line
        self.reason = reason
        self.recovered = recovered
    }

    /// `file:line: reason`, the form compilers use, so editors can jump to it.
    public var description: String {
        let place = line.map { "\(source):\($0)" } ?? source
        return "\(place): \(recovered ? "warning" : "skipped"): \(reason)"
    }
}

/// Everything read from a corpus: briefs in reading order and what was skipped.
public struct Corpus: Sendable {
    /// Briefs in sorted-path, then reading, order.
    public var briefs: [Brief]
    /// Inputs that could not be used (or were recovered with a warning).
    public var skipped: [SkippedInput]
    /// Number of files looked at.
    public var filesRead: Int
    /// What was seen of each corpus file (for incremental runs).
    public var files: [FileRecord]

    /// Creates a corpus value.
    public init(briefs: [Brief] = [], skipped: [SkippedInput] = [], filesRead: Int = 0, files: [FileRecord] = []) {
        self.briefs = briefs
        self.skipped = skipped
        self.filesRead = filesRead
        self.files = files
    }

    /// True when some input was lost (not merely recovered with a warning).
    public var hasLosses: Bool { skipped.contains { !$0.recovered } }
}

/// What a run saw of one corpus file: enough to know next time whether it changed.
public struct FileRecord: Hashable, Sendable {
    /// Path relative to the corpus root.
    public var path: String
    /// Size in bytes.
    public var size: Int
    /// Modification time (seconds since 1970).
    public var modified: Double
    /// 64-bit content hash, hex.
    public var hash: String
    /// Whether the file was parsed in this run (false: its stored briefs were reused).
    public var parsed: Bool
    /// For a JSON Lines file that grew since a state read it (its first bytes unchanged): the size it had then;
    /// only the lines after it were parsed.
    public var grownFrom: Int? = nil

    /// Creates a record.
    public init(path: String, size: Int, modified: Double, hash: String, parsed: Bool) {
        self.path = path
        self.size = size
        self.modified = modified
        self.hash = hash
        self.parsed = parsed
    }
}

/// Briefs and skip entries stored for a file by an earlier run.
public struct StoredFile: Sendable {
    /// The file's briefs, in reading order.
    public var briefs: [Brief]
    /// What was skipped in it.
    public var skipped: [SkippedInput]
    /// Creates a stored file.
    public init(briefs: [Brief], skipped: [SkippedInput]) {
        self.briefs = briefs
        self.skipped = skipped
    }
}
