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
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw StoryClusterError.usage("\(path): not valid YAML: \(error)")
        }
        guard let top = (root ?? [String: Any]()) as? [String: Any] else {
            throw StoryClusterError.usage("\(path): expected a mapping with reader/dedup/stories sections")
        }
        func fail(_ key: String, _ what: String) -> StoryClusterError { .usage("\(path): \(key): \(what)") }
        let sections = Setting.all.reduce(into: [String]()) { if !$0.contains($1.section) { $0.append($1.section) } }
        if let bad = top.keys.sorted().first(where: { !sections.contains($0) }) {
            throw fail(bad, "unknown section (known: \(sections.joined(separator: ", ")))")
        }
        var values: [(Setting, SettingValue)] = []
        for section in sections {
            guard let raw = top[section] else { continue }
            guard let m = raw as? [String: Any] else { throw fail(section, "expected a mapping") }
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

    /// A YAML scalar as a setting value; mappings and sequences are errors.
    static func scalar(_ v: Any, key: String, _ fail: (String, String) -> StoryClusterError) throws -> SettingValue {
        switch v {
        case is NSNull: return .null
        case let b as Bool: return .bool(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let t as String: return .text(t)
        default: throw fail(key, "expected a single value, got \(type(of: v))")
        }
    }
}
