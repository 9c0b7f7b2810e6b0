import Foundation

/// A value for one setting as it arrives from a command-line flag (text) or a config file (YAML/JSON scalar).
public enum SettingValue: Sendable, Equatable {
    /// A flag's argument, or a config string.
    case text(String)
    /// A config number.
    case number(Double)
    /// A config boolean, or a bare flag that was given.
    case bool(Bool)
    /// A config `null`: the automatic choice.
    case null
}

/// One tunable setting, declared once: its config key, its flag, its default, its range and its help. The command
/// line, the config file, `config --print-defaults` and validation are all driven by `Setting.all`.
public struct Setting: Sendable {
    /// What a value must be.
    public enum Kind: Sendable {
        /// A finite real number in `range`; `lowerOpen` excludes the lower end.
        case real(ClosedRange<Double>, lowerOpen: Bool)
        /// A whole number in `range`.
        case integer(ClosedRange<Int>)
        /// A whole number in `range`, or null for the automatic choice.
        case optionalInteger(ClosedRange<Int>)
        /// One of these words.
        case choice([String])
        /// true or false.
        case boolean
    }

    /// `section.key` in a config file, e.g. `dedup.threshold`.
    public let key: String
    /// The long flag without dashes, nil when the setting is config-only.
    public let flag: String?
    /// The default as written in `config --print-defaults`.
    public let defaultText: String
    /// What a value must be.
    public let kind: Kind
    /// One line for `--help` and the config template.
    public let help: String
    /// Stores a checked value (a `Double`, `Int`, `Int?`, `String` or `Bool` as `kind` says).
    let apply: @Sendable (inout RunSettings, Checked) -> Void
    /// The current value, as a config file would hold it.
    let read: @Sendable (RunSettings) -> SettingValue

    /// A value that passed `check`.
    enum Checked {
        case real(Double), integer(Int?), word(String), boolean(Bool)
        var real: Double { if case .real(let v) = self { return v }; return 0 }
        var integer: Int? { if case .integer(let v) = self { return v }; return nil }
        var word: String { if case .word(let v) = self { return v }; return "" }
        var boolean: Bool { if case .boolean(let v) = self { return v }; return false }
    }

    /// The section of `key` (`reader`, `dedup`, `stories`).
    public var section: String { String(key.split(separator: ".")[0]) }
    /// The name of `key` within its section.
    public var name: String { String(key.split(separator: ".")[1]) }

    /// What the range is, in words, for messages and help.
    public var rangeText: String {
        switch kind {
        case .real(let r, let open): return "a number in \(open ? "(" : "[")\(Self.format(r.lowerBound)), \(Self.format(r.upperBound))]"
        case .integer(let r): return "a whole number in [\(r.lowerBound), \(r.upperBound)]"
        case .optionalInteger(let r): return "a whole number in [\(r.lowerBound), \(r.upperBound)] or null (automatic)"
        case .choice(let words): return words.joined(separator: " or ")
        case .boolean: return "true or false"
        }
    }

    static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
        // Sweeps step in decimals: 0.7 + 3 × 0.1 should read 1.0, not 0.9999999999999999.
        let short = String(format: "%.6g", x)
        return Double(short) == x || abs(Double(short)! - x) < 1e-9 * max(1, abs(x)) ? short : String(x)
    }

    /// Checks `value` against the kind and range; `origin` names where it came from for the message
    /// (`--threshold`, `settings.yaml: dedup.threshold`).
    func check(_ value: SettingValue, origin: String) throws -> Checked {
        func bad(_ got: String) -> StoryClusterError { .usage("\(origin) must be \(rangeText), got \(got)") }
        switch kind {
        case .boolean:
            switch value {
            case .bool(let b): return .boolean(b)
            case .text(let t) where t == "true" || t == "false": return .boolean(t == "true")
            case .text(let t): throw bad(t)
            case .number(let x): throw bad(Self.format(x))
            case .null: throw bad("null")
            }
        case .choice(let words):
            guard case .text(let t) = value, words.contains(t) else { throw bad(Self.describe(value)) }
            return .word(t)
        case .real(let range, let lowerOpen):
            let x = try Self.number(value, bad)
            guard x.isFinite, range.contains(x), !(lowerOpen && x == range.lowerBound) else { throw bad(Self.describe(value)) }
            return .real(x)
        case .integer(let range), .optionalInteger(let range):
            if value == .null || value == .text("null") {
                guard case .optionalInteger = kind else { throw bad("null") }
                return .integer(nil)
            }
            let x = try Self.number(value, bad)
            // Compare as Double before converting: Int(1e30) would trap.
            guard x.isFinite, x == x.rounded(), x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
                throw bad(Self.describe(value))
            }
            return .integer(Int(x))
        }
    }

    static func number(_ value: SettingValue, _ bad: (String) -> StoryClusterError) throws -> Double {
        switch value {
        case .number(let x): return x
        case .text(let t):
            guard let x = Double(t.trimmingCharacters(in: .whitespaces)) else { throw bad("\"\(t)\"") }
            return x
        case .bool(let b): throw bad(String(b))
        case .null: throw bad("null")
        }
    }

    static func describe(_ v: SettingValue) -> String {
        switch v {
        case .text(let t): return t
        case .number(let x): return format(x)
        case .bool(let b): return String(b)
        case .null: return "null"
        }
    }
}

extension Setting {
    /// A real-valued setting stored at `path` (a `Double` or `Float` field).
    static func real<V: BinaryFloatingPoint & Sendable>(_ key: String, flag: String? = nil, _ defaultText: String,
                                                        _ range: ClosedRange<Double>, lowerOpen: Bool, _ path: WritableKeyPath<RunSettings, V>,
                                                        _ help: String) -> Setting {
        nonisolated(unsafe) let path = path
        return Setting(key: key, flag: flag, defaultText: defaultText, kind: .real(range, lowerOpen: lowerOpen), help: help,
                       apply: { s, v in s[keyPath: path] = V(v.real) }, read: { .number(Double($0[keyPath: path])) })
    }

    /// A whole-number setting stored at `path`.
    static func integer(_ key: String, flag: String? = nil, _ defaultText: String, _ range: ClosedRange<Int>,
                        _ path: WritableKeyPath<RunSettings, Int>, _ help: String) -> Setting {
        nonisolated(unsafe) let path = path
        return Setting(key: key, flag: flag, defaultText: defaultText, kind: .integer(range), help: help,
                       apply: { s, v in s[keyPath: path] = v.integer! }, read: { .number(Double($0[keyPath: path])) })
    }

    /// A whole-number setting that may be null (the automatic choice), stored at `path`.
    static func optionalInteger(_ key: String, flag: String? = nil, _ range: ClosedRange<Int>,
                                _ path: WritableKeyPath<RunSettings, Int?>, _ help: String) -> Setting {
        nonisolated(unsafe) let path = path
        return Setting(key: key, flag: flag, defaultText: "null", kind: .optionalInteger(range), help: help,
                       apply: { s, v in s[keyPath: path] = v.integer }, read: { $0[keyPath: path].map { .number(Double($0)) } ?? .null })
    }

    /// A seed (stored as `UInt64`; read back within 2^53 so it survives a config file's numbers).
    static func seed(_ key: String, _ defaultText: String, _ path: WritableKeyPath<RunSettings, UInt64>, _ help: String) -> Setting {
        nonisolated(unsafe) let path = path
        return Setting(key: key, flag: nil, defaultText: defaultText, kind: .integer(0...(1 << 53)), help: help,
                       apply: { s, v in s[keyPath: path] = UInt64(v.integer!) }, read: { .number(Double($0[keyPath: path] & (1 << 53 - 1))) })
    }

    /// A true/false setting stored at `path`.
    static func boolean(_ key: String, flag: String? = nil, _ defaultText: String, _ path: WritableKeyPath<RunSettings, Bool>,
                        _ help: String) -> Setting {
        nonisolated(unsafe) let path = path
        return Setting(key: key, flag: flag, defaultText: defaultText, kind: .boolean, help: help,
                       apply: { s, v in s[keyPath: path] = v.boolean }, read: { .bool($0[keyPath: path]) })
    }

    /// Every setting, in the order `config --print-defaults` shows them. Ranges are the documented limits: past
    /// them a value is either meaningless (a threshold above 1) or would exhaust memory (a million permutations).
    public static let all: [Setting] = [
        integer("reader.max_line_bytes", flag: "max-line-bytes", "8388608", 1...(1 << 40), \.maxLineBytes,
                "longer JSON/page lines are skipped with a message"),
        real("dedup.threshold", flag: "threshold", "0.8", 0...1, lowerOpen: true, \.dedup.threshold,
             "Jaccard of shingle sets to the group's canonical brief"),
        Setting(key: "dedup.shingle", flag: "shingle", defaultText: "word", kind: .choice(["word", "char"]), help: "word | char",
                apply: { s, v in
                    let kind = ShingleConfig.Kind(rawValue: v.word)!
                    s.dedup.shingles = ShingleConfig(kind: kind, size: kind == .word ? 3 : 5)
                }, read: { .text($0.dedup.shingles.kind.rawValue) }),
        integer("dedup.shingle_size", flag: "shingle-size", "3", 1...64, \.dedup.shingles.size, "words per shingle (char: bytes, default 5)"),
        integer("dedup.permutations", flag: "permutations", "128", 8...1024, \.dedup.permutations, "MinHash signature length (multiple of 8)"),
        seed("dedup.seed", "1", \.dedup.seed, "MinHash seed"),
        Setting(key: "dedup.bands", flag: nil, defaultText: "null", kind: .optionalInteger(1...1024),
                help: "LSH bands; null = chosen from threshold and permutations",
                apply: { s, v in s.dedup.lsh = v.integer.map { LSHParams(bands: $0, rows: s.dedup.lsh?.rows ?? 1) } },
                read: { $0.dedup.lsh.map { .number(Double($0.bands)) } ?? .null }),
        Setting(key: "dedup.rows", flag: nil, defaultText: "null", kind: .optionalInteger(1...1024), help: "LSH rows per band (with bands)",
                apply: { s, v in if let r = v.integer { s.dedup.lsh = LSHParams(bands: s.dedup.lsh?.bands ?? 1, rows: r) } },
                read: { $0.dedup.lsh.map { .number(Double($0.rows)) } ?? .null }),
        real("dedup.containment", flag: "containment", "0.9", 0...1, lowerOpen: false, \.dedup.containment,
             "a pair under the threshold is an update when this share of the smaller brief's shingles is in the larger (0 = off)"),
        real("dedup.containment_floor", flag: nil, "0.5", 0...1, lowerOpen: true, \.dedup.containmentFloor,
             "lowest Jaccard at which containment counts; the LSH banding is chosen for it"),
        boolean("dedup.version_veto", "true", \.dedup.versionVeto,
                "two briefs naming different version numbers (11.7 / 11.7.1) are never duplicates"),
        Setting(key: "stories.method", flag: "story-method", defaultText: "events", kind: .choice(["events", "latent"]),
                help: "events (time-windowed cosine, average linkage) | latent (0.1.0: SVD, smoothing)",
                apply: { s, v in s.stories.method = StoryConfig.Method(rawValue: v.word)! }, read: { .text($0.stories.method.rawValue) }),
        real("stories.event_threshold", flag: "event-threshold", "0.175", 0...1, lowerOpen: true, \.stories.eventThreshold,
             "events: merge while the average cosine is >= this"),
        real("stories.event_window_hours", flag: "event-window", "36", 0...87_600, lowerOpen: false, \.stories.eventWindowHours,
             "events: briefs further apart are never linked"),
        real("stories.edge_floor", "0.08", 0...1, lowerOpen: false, \.stories.edgeFloor, "events: cosines below this are not kept as edges"),
        integer("stories.min_shared_terms", "2", 1...10, \.stories.minSharedTerms, "events: distinct terms two briefs must share for an edge"),
        integer("stories.min_shared_terms_long", "3", 1...10, \.stories.minSharedTermsLong,
                "events: the same for two briefs of 20+ distinct terms each"),
        integer("stories.edges_per_brief", "100", 0...100_000, \.stories.eventEdgesPerBrief,
                "events: edges a brief keeps to earlier briefs, strongest first (0 = all)"),
        integer("stories.common_term_briefs", "500", 0...1_000_000_000, \.stories.commonTermBriefs,
                "events: a term in more earlier briefs of the window proposes no candidates (0 = no limit)"),
        integer("stories.title_weight", "1", 0...10, \.stories.titleWeight, "events: extra counts of each title word"),
        integer("stories.capital_boost", "1", 0...10, \.stories.capitalBoost, "events: extra counts per capitalised word"),
        integer("stories.number_boost", "1", 0...10, \.stories.numberBoost, "events: extra counts per number"),
        real("stories.threshold", flag: "story-threshold", "1.1", 0...100, lowerOpen: true, \.stories.threshold,
             "latent: merge while length-corrected average similarity >= this"),
        optionalInteger("stories.dimensions", flag: "dimensions", 1...4096, \.stories.dimensions,
                        "SVD dimensions; null = 100·√(n/2500) clamped to 100…400"),
        optionalInteger("stories.power_iterations", flag: "power-iterations", 0...20, \.stories.powerIterations,
                        "SVD power iterations; null = 3 up to 2,500 briefs, 0 from 10,000"),
        integer("stories.neighbours", "30", 1...1000, \.stories.neighbours, "candidate neighbours per brief"),
        integer("stories.approximate_above", flag: "approximate-above", "50000", 0...(1 << 40), \.stories.approximateAbove,
                "canonical briefs above which the neighbour search is approximate"),
        integer("stories.max_links", "128", 0...1_000_000, \.stories.maxLinks, "candidate links a story keeps while it grows (0 = all)"),
        integer("stories.smoothing", "3", 0...1000, \.stories.smoothing, "nearest neighbours mixed into each vector"),
        real("stories.half_reliable_tokens", "50", 0...1_000_000, lowerOpen: false, \.stories.halfReliableTokens,
             "distinct content tokens at which a text counts as half reliable"),
        real("stories.time_window_hours", flag: "time-window", "48", 0...87_600, lowerOpen: false, \.stories.timeWindowHours,
             "no time penalty within this gap"),
        real("stories.time_decay_hours", "48", 0...87_600, lowerOpen: true, \.stories.timeDecayHours,
             "e-folding time of the penalty beyond the window"),
        seed("stories.seed", "42", \.stories.seed, "SVD seed"),
        boolean("stories.bigrams", flag: "bigrams", "false", \.stories.bigrams, "word pairs as extra terms"),
        real("stories.name_boost", flag: "name-boost", "0", 0...100, lowerOpen: false, \.stories.nameBoost,
             "extra weight for capitalised names mid-sentence (0 = off)"),
        boolean("stories.dateline_terms", flag: "dateline-terms", "false", \.stories.datelineTerms, "add the dateline place to the text clustered"),
        boolean("threads.enabled", "true", \.stories.threads, "group events into threads (running stories)"),
        real("threads.threshold", flag: "thread-threshold", "0.2", 0...1, lowerOpen: true, \.stories.threadThreshold,
             "threads: merge while the average cosine over event pairs within the window is >= this"),
        real("threads.window_hours", "504", 0...87_600, lowerOpen: false, \.stories.threadWindowHours,
             "threads: events further apart are not linked directly"),
        real("threads.edge_floor", "0.1", 0...1, lowerOpen: false, \.stories.threadEdgeFloor, "threads: event cosines below this are not edges"),
        integer("threads.min_shared_terms", "2", 1...10, \.stories.threadMinSharedTerms, "threads: distinct terms two events must share"),
        integer("threads.common_term_events", "50", 0...1_000_000_000, \.stories.threadCommonTermEvents,
                "threads: a term in more earlier events of the window proposes no candidates (0 = no limit)"),
    ]

    /// The setting with this config key (`stories.smoothing`), flag (`story-threshold`) or, when only one section
    /// has it, bare name (`smoothing`), if any.
    public static func named(_ name: String) -> Setting? {
        if let s = all.first(where: { $0.key == name || $0.flag == name }) { return s }
        let bare = all.filter { $0.name == name }
        return bare.count == 1 ? bare[0] : nil
    }

    /// The default settings as a commented YAML file for `--config` (`config --print-defaults`).
    public static var template: String {
        var out = "# storycluster settings (every key optional; command-line flags override these)\n"
        var section = ""
        let width = 30
        for s in all {
            if s.section != section { section = s.section; out += "\(section):\n" }
            let entry = "  \(s.name): \(s.defaultText)"
            out += entry + String(repeating: " ", count: max(1, width - entry.count)) + "# \(s.help)\n"
        }
        return out
    }
}

extension RunSettings {
    /// Applies `values` (setting, value) in order onto these settings, checking each against its range, then checks
    /// the settings as a whole; `origin` prefixes messages (`command line`, a config file's path).
    /// - Throws: `StoryClusterError` with status `.usage` naming the setting and its allowed range.
    public mutating func apply(_ values: [(Setting, SettingValue)], origin: (Setting) -> String) throws {
        for (setting, value) in values {
            apply(setting, try setting.check(value, origin: origin(setting)))
        }
    }

    mutating func apply(_ setting: Setting, _ checked: Setting.Checked) {
        setting.apply(&self, checked)
    }

    /// Checks what no single setting's range can: the LSH banding must fit in the signature, and the MinHash
    /// kernel works on blocks of 8 permutations. Every `Pipeline` is built from settings that passed this.
    /// - Throws: `StoryClusterError` with status `.usage`.
    public func validate(origin: String = "settings") throws {
        func bad(_ what: String) -> StoryClusterError { .usage("\(origin): \(what)") }
        for s in Setting.all {
            // Settings built in code (not through `apply`) get the same range checks.
            _ = try s.check(value(of: s), origin: "\(origin): \(s.key)")
        }
        guard dedup.permutations % 8 == 0 else { throw bad("dedup.permutations must be a multiple of 8, got \(dedup.permutations)") }
        if let l = dedup.lsh, l.bands * l.rows > dedup.permutations {
            throw bad("dedup.bands × dedup.rows (--lsh \(l.bands)x\(l.rows)) must be at most dedup.permutations (\(dedup.permutations))")
        }
    }

    /// The current value of `setting`, as a config file would hold it.
    public func value(of setting: Setting) -> SettingValue { setting.read(self) }
}
