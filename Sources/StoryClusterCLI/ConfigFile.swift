import Foundation
import StoryCluster
import Yams

/// Reads `--config FILE` (YAML; JSON is YAML too) into run settings through the library's settings table, rejecting
/// unknown keys and wrong types with a message naming the file and the key, so a typo never silently falls back to a
/// default. Parsing YAML is the only thing done here: ranges and meanings live in `Setting.all`.
enum ConfigFile {
    /// Settings from `path`, starting from `base`.
    static func load(_ path: String, into base: RunSettings) throws -> RunSettings {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw StoryClusterError.usage("\(path): cannot read config file")
        }
        try precheck(text, path: path)
        // Composed as nodes and walked two levels deep: Yams' `load` builds `Any` values, which expands aliases
        // (a billion-laughs file exhausts memory) and force-unwraps non-string keys (`? [a, b] : c` crashes it).
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw StoryClusterError.usage("\(path): not valid YAML: \(error)")
        }
        var top: [String: Node] = [:]
        if let root {
            guard let mapping = root.mapping else {
                throw StoryClusterError.usage("\(path): expected a mapping with reader/dedup/stories sections")
            }
            for (k, v) in mapping {
                guard let key = k.scalar?.string else { throw StoryClusterError.usage("\(path): a key that is not a plain name") }
                // A second block of one section would silently replace the first's settings.
                guard top[key] == nil else { throw StoryClusterError.usage("\(path): \(key): section given twice") }
                top[key] = v
            }
        }
        func fail(_ key: String, _ what: String) -> StoryClusterError { .usage("\(path): \(key): \(what)") }
        let sections = Setting.all.reduce(into: [String]()) { if !$0.contains($1.section) { $0.append($1.section) } }
        if let bad = top.keys.sorted().first(where: { !sections.contains($0) }) {
            throw fail(bad, "unknown section (known: \(sections.joined(separator: ", ")))")
        }
        var values: [(Setting, SettingValue)] = []
        for section in sections {
            guard let raw = top[section] else { continue }
            guard let mapping = raw.mapping else { throw fail(section, "expected a mapping") }
            var m: [String: Node] = [:]
            for (k, v) in mapping {
                guard let key = k.scalar?.string else { throw fail(section, "a key that is not a plain name") }
                guard m[key] == nil else { throw fail("\(section).\(key)", "given twice") }
                m[key] = v
            }
            let known = Setting.all.filter { $0.section == section }
            if let bad = m.keys.sorted().first(where: { k in !known.contains { $0.name == k } }) {
                throw fail("\(section).\(bad)", "unknown setting (known: \(known.map(\.name).sorted().joined(separator: ", ")))")
            }
            for setting in known {
                guard let v = m[setting.name] else { continue }
                values.append((setting, try scalar(v, key: setting.key, fail)))
            }
        }
        let given = Set(values.map { $0.0.key })
        if given.contains("dedup.bands") != given.contains("dedup.rows") {
            throw fail("dedup.bands", "set bands and rows together (or neither)")
        }
        var s = base
        try s.apply(values) { "\(path): \($0.key)" }
        try s.validate(origin: path)
        return s
    }

    /// The largest config file read, and the deepest bracket nesting: a settings file is a few hundred bytes
    /// two levels deep, and a parser fed 100k nested brackets overflows its stack.
    static let maxBytes = 1 << 20, maxDepth = 32

    /// Refuses what no settings file needs and a parser handles badly: huge files, deep flow nesting, anchors,
    /// aliases and tags.
    static func precheck(_ text: String, path: String) throws {
        func bad(_ what: String) -> StoryClusterError { .usage("\(path): \(what)") }
        guard text.utf8.count <= maxBytes else { throw bad("larger than \(maxBytes) bytes; a settings file is a few lines") }
        var depth = 0, quote: UInt8 = 0, comment = false, previous: UInt8 = 0x0A
        for b in text.utf8 {
            defer { previous = b }
            if comment { if b == 0x0A { comment = false }; continue }
            if quote != 0 { if b == quote { quote = 0 }; continue }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
            case UInt8(ascii: "#") where previous == 0x20 || previous == 0x0A || previous == 0x09: comment = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth { throw bad("nested more than \(maxDepth) brackets deep") }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!")
                where [0x20, 0x0A, 0x09, UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(previous):
                throw bad("YAML anchors, aliases and tags (&, *, !) are not allowed in a settings file")
            default: break
            }
        }
    }

    /// A YAML scalar node as a setting value; mappings and sequences are errors.
    static func scalar(_ node: Node, key: String, _ fail: (String, String) -> StoryClusterError) throws -> SettingValue {
        guard let scalar = node.scalar else { throw fail(key, "expected a single value") }
        let t = scalar.string
        // Quoted text is text; plain scalars follow YAML's core schema for null, booleans and numbers.
        guard scalar.style == .plain else { return .text(t) }
        switch t {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: return Double(t).map(SettingValue.number) ?? .text(t)
        }
    }
}
