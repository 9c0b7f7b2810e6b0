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
    /// Every setting, in the order `config --print-defaults` shows them. Ranges are the documented limits: past
    /// them a value is either meaningless (a threshold above 1) or would exhaust memory (a million permutations).
    public static let all: [Setting] = [
        Setting(key: "reader.max_line_bytes", flag: "max-line-bytes", defaultText: "8388608", kind: .integer(1...(1 << 40)),
                help: "longer JSON/page lines are skipped with a message") { s, v in s.maxLineBytes = v.integer! },
        Setting(key: "dedup.threshold", flag: "threshold", defaultText: "0.8", kind: .real(0...1, lowerOpen: true),
                help: "Jaccard of shingle sets to the group's canonical brief") { s, v in s.dedup.threshold = v.real },
        Setting(key: "dedup.shingle", flag: "shingle", defaultText: "word", kind: .choice(["word", "char"]),
                help: "word | char") { s, v in
                    let kind = ShingleConfig.Kind(rawValue: v.word)!
                    s.dedup.shingles = ShingleConfig(kind: kind, size: kind == .word ? 3 : 5)
                },
        Setting(key: "dedup.shingle_size", flag: "shingle-size", defaultText: "3", kind: .integer(1...64),
                help: "words per shingle (char: bytes, default 5)") { s, v in s.dedup.shingles.size = v.integer! },
        Setting(key: "dedup.permutations", flag: "permutations", defaultText: "128", kind: .integer(8...1024),
                help: "MinHash signature length (multiple of 8)") { s, v in s.dedup.permutations = v.integer! },
        Setting(key: "dedup.seed", flag: nil, defaultText: "1", kind: .integer(0...(1 << 53)),
                help: "MinHash seed") { s, v in s.dedup.seed = UInt64(v.integer!) },
        Setting(key: "dedup.bands", flag: nil, defaultText: "null", kind: .optionalInteger(1...1024),
                help: "LSH bands; null = chosen from threshold and permutations") { s, v in
                    s.dedup.lsh = v.integer.map { LSHParams(bands: $0, rows: s.dedup.lsh?.rows ?? 1) }
                },
        Setting(key: "dedup.rows", flag: nil, defaultText: "null", kind: .optionalInteger(1...1024),
                help: "LSH rows per band (with bands)") { s, v in
                    if let r = v.integer { s.dedup.lsh = LSHParams(bands: s.dedup.lsh?.bands ?? 1, rows: r) }
                },
        Setting(key: "stories.method", flag: "story-method", defaultText: "events", kind: .choice(["events", "latent"]),
                help: "events (time-windowed cosine, average linkage) | latent (0.1.0: SVD, smoothing)") { s, v in
                    s.stories.method = StoryConfig.Method(rawValue: v.word)!
                },
        Setting(key: "stories.event_threshold", flag: "event-threshold", defaultText: "0.175", kind: .real(0...1, lowerOpen: true),
                help: "events: merge while the average cosine is >= this") { s, v in s.stories.eventThreshold = Float(v.real) },
        Setting(key: "stories.event_window_hours", flag: "event-window", defaultText: "36", kind: .real(0...87_600, lowerOpen: false),
                help: "events: briefs further apart are never linked") { s, v in s.stories.eventWindowHours = v.real },
        Setting(key: "stories.edge_floor", flag: nil, defaultText: "0.08", kind: .real(0...1, lowerOpen: false),
                help: "events: cosines below this are not kept as edges") { s, v in s.stories.edgeFloor = Float(v.real) },
        Setting(key: "stories.min_shared_terms", flag: nil, defaultText: "2", kind: .integer(1...10),
                help: "events: distinct terms two briefs must share for an edge") { s, v in s.stories.minSharedTerms = v.integer! },
        Setting(key: "stories.min_shared_terms_long", flag: nil, defaultText: "3", kind: .integer(1...10),
                help: "events: the same for two briefs of 20+ distinct terms each") { s, v in s.stories.minSharedTermsLong = v.integer! },
        Setting(key: "stories.edges_per_brief", flag: nil, defaultText: "100", kind: .integer(0...100_000),
                help: "events: edges a brief keeps to earlier briefs, strongest first (0 = all)") { s, v in s.stories.eventEdgesPerBrief = v.integer! },
        Setting(key: "stories.title_weight", flag: nil, defaultText: "1", kind: .integer(0...10),
                help: "events: extra counts of each title word") { s, v in s.stories.titleWeight = v.integer! },
        Setting(key: "stories.capital_boost", flag: nil, defaultText: "1", kind: .integer(0...10),
                help: "events: extra counts per capitalised word") { s, v in s.stories.capitalBoost = v.integer! },
        Setting(key: "stories.number_boost", flag: nil, defaultText: "1", kind: .integer(0...10),
                help: "events: extra counts per number") { s, v in s.stories.numberBoost = v.integer! },
        Setting(key: "stories.threshold", flag: "story-threshold", defaultText: "1.1", kind: .real(0...100, lowerOpen: true),
                help: "latent: merge while length-corrected average similarity >= this") { s, v in s.stories.threshold = Float(v.real) },
        Setting(key: "stories.dimensions", flag: "dimensions", defaultText: "null", kind: .optionalInteger(1...4096),
                help: "SVD dimensions; null = 100·√(n/2500) clamped to 100…400") { s, v in s.stories.dimensions = v.integer },
        Setting(key: "stories.power_iterations", flag: "power-iterations", defaultText: "null", kind: .optionalInteger(0...20),
                help: "SVD power iterations; null = 3 up to 2,500 briefs, 0 from 10,000") { s, v in s.stories.powerIterations = v.integer },
        Setting(key: "stories.neighbours", flag: nil, defaultText: "30", kind: .integer(1...1000),
                help: "candidate neighbours per brief") { s, v in s.stories.neighbours = v.integer! },
        Setting(key: "stories.approximate_above", flag: "approximate-above", defaultText: "50000", kind: .integer(0...(1 << 40)),
                help: "canonical briefs above which the neighbour search is approximate") { s, v in s.stories.approximateAbove = v.integer! },
        Setting(key: "stories.max_links", flag: nil, defaultText: "128", kind: .integer(0...1_000_000),
                help: "candidate links a story keeps while it grows (0 = all)") { s, v in s.stories.maxLinks = v.integer! },
        Setting(key: "stories.smoothing", flag: nil, defaultText: "3", kind: .integer(0...1000),
                help: "nearest neighbours mixed into each vector") { s, v in s.stories.smoothing = v.integer! },
        Setting(key: "stories.half_reliable_tokens", flag: nil, defaultText: "50", kind: .real(0...1_000_000, lowerOpen: false),
                help: "distinct content tokens at which a text counts as half reliable") { s, v in s.stories.halfReliableTokens = Float(v.real) },
        Setting(key: "stories.time_window_hours", flag: "time-window", defaultText: "48", kind: .real(0...87_600, lowerOpen: false),
                help: "no time penalty within this gap") { s, v in s.stories.timeWindowHours = v.real },
        Setting(key: "stories.time_decay_hours", flag: nil, defaultText: "48", kind: .real(0...87_600, lowerOpen: true),
                help: "e-folding time of the penalty beyond the window") { s, v in s.stories.timeDecayHours = v.real },
        Setting(key: "stories.seed", flag: nil, defaultText: "42", kind: .integer(0...(1 << 53)),
                help: "SVD seed") { s, v in s.stories.seed = UInt64(v.integer!) },
        Setting(key: "stories.bigrams", flag: "bigrams", defaultText: "false", kind: .boolean,
                help: "word pairs as extra terms") { s, v in s.stories.bigrams = v.boolean },
        Setting(key: "stories.name_boost", flag: "name-boost", defaultText: "0", kind: .real(0...100, lowerOpen: false),
                help: "extra weight for capitalised names mid-sentence (0 = off)") { s, v in s.stories.nameBoost = Float(v.real) },
        Setting(key: "stories.dateline_terms", flag: "dateline-terms", defaultText: "false", kind: .boolean,
                help: "add the dateline place to the text clustered") { s, v in s.stories.datelineTerms = v.boolean },
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
    public func value(of setting: Setting) -> SettingValue {
        switch setting.key {
        case "reader.max_line_bytes": return .number(Double(maxLineBytes))
        case "dedup.threshold": return .number(dedup.threshold)
        case "dedup.shingle": return .text(dedup.shingles.kind.rawValue)
        case "dedup.shingle_size": return .number(Double(dedup.shingles.size))
        case "dedup.permutations": return .number(Double(dedup.permutations))
        case "dedup.seed": return .number(Double(dedup.seed & (1 << 53 - 1)))
        case "dedup.bands": return dedup.lsh.map { .number(Double($0.bands)) } ?? .null
        case "dedup.rows": return dedup.lsh.map { .number(Double($0.rows)) } ?? .null
        case "stories.method": return .text(stories.method.rawValue)
        case "stories.event_threshold": return .number(Double(stories.eventThreshold))
        case "stories.event_window_hours": return .number(stories.eventWindowHours)
        case "stories.edge_floor": return .number(Double(stories.edgeFloor))
        case "stories.min_shared_terms": return .number(Double(stories.minSharedTerms))
        case "stories.min_shared_terms_long": return .number(Double(stories.minSharedTermsLong))
        case "stories.edges_per_brief": return .number(Double(stories.eventEdgesPerBrief))
        case "stories.title_weight": return .number(Double(stories.titleWeight))
        case "stories.capital_boost": return .number(Double(stories.capitalBoost))
        case "stories.number_boost": return .number(Double(stories.numberBoost))
        case "stories.threshold": return .number(Double(stories.threshold))
        case "stories.dimensions": return stories.dimensions.map { .number(Double($0)) } ?? .null
        case "stories.power_iterations": return stories.powerIterations.map { .number(Double($0)) } ?? .null
        case "stories.neighbours": return .number(Double(stories.neighbours))
        case "stories.approximate_above": return .number(Double(stories.approximateAbove))
        case "stories.max_links": return .number(Double(stories.maxLinks))
        case "stories.smoothing": return .number(Double(stories.smoothing))
        case "stories.half_reliable_tokens": return .number(Double(stories.halfReliableTokens))
        case "stories.time_window_hours": return .number(stories.timeWindowHours)
        case "stories.time_decay_hours": return .number(stories.timeDecayHours)
        case "stories.seed": return .number(Double(stories.seed & (1 << 53 - 1)))
        case "stories.bigrams": return .bool(stories.bigrams)
        case "stories.name_boost": return .number(Double(stories.nameBoost))
        case "stories.dateline_terms": return .bool(stories.datelineTerms)
        default: preconditionFailure("Setting.all and RunSettings.value(of:) disagree on \(setting.key)")
        }
    }
}
