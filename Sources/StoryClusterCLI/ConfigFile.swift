import Foundation
import StoryCluster
import Yams

/// Reads `--config FILE` (YAML; JSON is YAML too) into run settings, rejecting unknown keys and wrong types
/// with a message naming the file and the key, so a typo never silently falls back to a default.
enum ConfigFile {
    static let template = """
    # storycluster settings (every key optional; command-line flags override these)
    reader:
      max_line_bytes: 8388608     # longer JSON/page lines are skipped with a message
    dedup:
      threshold: 0.8              # Jaccard of shingle sets to the group's canonical brief
      shingle: word               # word | char
      shingle_size: 3             # words per shingle (char: bytes, default 5)
      permutations: 128           # MinHash signature length (multiple of 8)
      seed: 1                     # MinHash seed
      bands: null                 # LSH bands; null = chosen from threshold and permutations
      rows: null                  # LSH rows per band (with bands)
    stories:
      threshold: 1.1              # merge while length-corrected average similarity >= this
      dimensions: null            # SVD dimensions; null = 100·√(n/2500) clamped to 100…400
      power_iterations: null      # SVD power iterations; null = 3 up to 2,500 briefs, 0 from 10,000
      neighbours: 30              # candidate neighbours per brief
      approximate_above: 50000    # canonical briefs above which the neighbour search is approximate
      max_links: 128              # candidate links a story keeps while it grows (0 = all)
      smoothing: 3                # nearest neighbours mixed into each vector
      half_reliable_tokens: 50    # distinct content tokens at which a text counts as half reliable
      time_window_hours: 48       # no time penalty within this gap
      time_decay_hours: 48        # e-folding time of the penalty beyond the window
      seed: 42                    # SVD seed
      bigrams: false              # word pairs as extra terms
      name_boost: 0               # extra weight for capitalised names mid-sentence (0 = off)
      dateline_terms: false       # add the dateline place to the text clustered
    """

    /// Settings from `path`, starting from `base`.
    static func load(_ path: String, into base: RunSettings) throws -> RunSettings {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure(message: "\(path): cannot read config file", code: 64)
        }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw CLIFailure(message: "\(path): not valid YAML: \(error)", code: 64)
        }
        guard let top = (root ?? [String: Any]()) as? [String: Any] else {
            throw CLIFailure(message: "\(path): expected a mapping with reader/dedup/stories sections", code: 64)
        }
        var s = base
        func fail(_ key: String, _ what: String) -> CLIFailure { CLIFailure(message: "\(path): \(key): \(what)", code: 64) }
        func section(_ name: String, _ keys: Set<String>) throws -> [String: Any] {
            guard let raw = top[name] else { return [:] }
            guard let m = raw as? [String: Any] else { throw fail(name, "expected a mapping") }
            if let bad = m.keys.sorted().first(where: { !keys.contains($0) }) {
                throw fail("\(name).\(bad)", "unknown setting (known: \(keys.sorted().joined(separator: ", ")))")
            }
            return m
        }
        if let bad = top.keys.sorted().first(where: { !["reader", "dedup", "stories"].contains($0) }) {
            throw fail(bad, "unknown section (known: reader, dedup, stories)")
        }
        func number(_ m: [String: Any], _ section: String, _ key: String) throws -> Double? {
            guard let v = m[key], !(v is NSNull) else { return nil }
            if let d = v as? Double { return d }
            if let i = v as? Int { return Double(i) }
            throw fail("\(section).\(key)", "expected a number, got \(v)")
        }
        func integer(_ m: [String: Any], _ section: String, _ key: String) throws -> Int? {
            guard let d = try number(m, section, key) else { return nil }
            guard d == d.rounded(), d >= 0 else { throw fail("\(section).\(key)", "expected a whole number ≥ 0, got \(d)") }
            return Int(d)
        }
        let reader = try section("reader", ["max_line_bytes"])
        if let v = try integer(reader, "reader", "max_line_bytes") { s.maxLineBytes = v }
        let d = try section("dedup", ["threshold", "shingle", "shingle_size", "permutations", "seed", "bands", "rows"])
        if let v = try number(d, "dedup", "threshold") { s.dedup.threshold = v }
        if let v = d["shingle"], !(v is NSNull) {
            guard let str = v as? String, let kind = ShingleConfig.Kind(rawValue: str) else { throw fail("dedup.shingle", "expected word or char") }
            s.dedup.shingles = ShingleConfig(kind: kind, size: kind == .word ? 3 : 5)
        }
        if let v = try integer(d, "dedup", "shingle_size") { s.dedup.shingles.size = v }
        if let v = try integer(d, "dedup", "permutations") { s.dedup.permutations = v }
        if let v = try integer(d, "dedup", "seed") { s.dedup.seed = UInt64(v) }
        let bands = try integer(d, "dedup", "bands"), rows = try integer(d, "dedup", "rows")
        if (bands == nil) != (rows == nil) { throw fail("dedup.bands", "set bands and rows together (or neither)") }
        if let b = bands, let r = rows { s.dedup.lsh = LSHParams(bands: b, rows: r) }
        let st = try section("stories", ["threshold", "dimensions", "neighbours", "smoothing", "half_reliable_tokens",
                                          "time_window_hours", "time_decay_hours", "seed", "bigrams", "name_boost", "dateline_terms",
                                          "power_iterations", "approximate_above", "max_links"])
        func flag(_ key: String) throws -> Bool? {
            guard let v = st[key], !(v is NSNull) else { return nil }
            guard let b = v as? Bool else { throw fail("stories.\(key)", "expected true or false") }
            return b
        }
        if let v = try flag("bigrams") { s.stories.bigrams = v }
        if let v = try number(st, "stories", "name_boost") { s.stories.nameBoost = Float(v) }
        if let v = try flag("dateline_terms") { s.stories.datelineTerms = v }
        if let v = try number(st, "stories", "threshold") { s.stories.threshold = Float(v) }
        if let v = try integer(st, "stories", "dimensions") { s.stories.dimensions = v }
        if let v = try integer(st, "stories", "neighbours") { s.stories.neighbours = v }
        if let v = try integer(st, "stories", "power_iterations") { s.stories.powerIterations = v }
        if let v = try integer(st, "stories", "approximate_above") { s.stories.approximateAbove = v }
        if let v = try integer(st, "stories", "max_links") { s.stories.maxLinks = v }
        if let v = try integer(st, "stories", "smoothing") { s.stories.smoothing = v }
        if let v = try number(st, "stories", "half_reliable_tokens") { s.stories.halfReliableTokens = Float(v) }
        if let v = try number(st, "stories", "time_window_hours") { s.stories.timeWindowHours = v }
        if let v = try number(st, "stories", "time_decay_hours") { s.stories.timeDecayHours = v }
        if let v = try integer(st, "stories", "seed") { s.stories.seed = UInt64(v) }
        try validate(s, path: path)
        return s
    }

    /// Range checks shared by config files and flags.
    static func validate(_ s: RunSettings, path: String) throws {
        func bad(_ what: String) -> CLIFailure { CLIFailure(message: "\(path): \(what)", code: 64) }
        guard s.dedup.threshold > 0 && s.dedup.threshold <= 1 else { throw bad("dedup.threshold must be in (0, 1]") }
        guard s.dedup.permutations > 0 && s.dedup.permutations % 8 == 0 else { throw bad("dedup.permutations must be a positive multiple of 8") }
        guard s.dedup.shingles.size >= 1 else { throw bad("dedup.shingle_size must be at least 1") }
        if let l = s.dedup.lsh, l.bands < 1 || l.rows < 1 || l.bands * l.rows > s.dedup.permutations {
            throw bad("dedup.bands × dedup.rows must be at most dedup.permutations")
        }
        guard s.stories.threshold > 0 else { throw bad("stories.threshold must be positive") }
        guard (s.stories.powerIterations ?? 0) >= 0, s.stories.approximateAbove >= 0, s.stories.maxLinks >= 0 else {
            throw bad("stories.power_iterations, stories.approximate_above and stories.max_links must be non-negative")
        }
        guard (s.stories.dimensions ?? 1) > 0, s.stories.neighbours > 0 else { throw bad("stories.dimensions and stories.neighbours must be positive") }
        guard s.stories.halfReliableTokens >= 0, s.stories.timeDecayHours > 0, s.stories.timeWindowHours >= 0 else {
            throw bad("stories time and length settings must be non-negative (decay positive)")
        }
    }
}
