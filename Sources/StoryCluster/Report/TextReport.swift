import Foundation

/// The version printed by `--version` and written into reports.
public enum StoryClusterVersion {
    /// Semantic version of this build.
    public static let current = "0.2.0"
}

/// Plain-text renderings for a person at a terminal (100 columns).
public enum TextReport {
    /// One summary line: briefs read, skipped inputs.
    public static func summary(_ corpus: Corpus, seconds: Double) -> String {
        let lost = corpus.skipped.filter { !$0.recovered }.count
        let warned = corpus.skipped.count - lost
        var s = "\(corpus.briefs.count) briefs read from \(corpus.filesRead) file\(corpus.filesRead == 1 ? "" : "s")"
        s += ", \(lost) skipped"
        if warned > 0 { s += ", \(warned) warning\(warned == 1 ? "" : "s")" }
        s += String(format: " in %.2f s", seconds)
        return s
    }

    /// One block per brief: id, time, dateline, then the start of its text.
    public static func briefList(_ corpus: Corpus) -> String {
        var out = ""
        for b in corpus.briefs {
            var head = b.id
            if let p = b.published { head += "  " + ISO8601.format(p) }
            if let age = b.ageMinutes { head += "  (\(age) min old)" }
            head += "  [\(b.lang.rawValue)]"
            out += head + "\n"
            if let t = b.title { out += "    " + clip(t, 94) + "\n" }
            var line = ""
            if let d = b.dateline { line = d + (b.agencies.isEmpty ? "" : " (\(b.agencies.joined(separator: "/")))") + " – " }
            out += "    " + clip(line + b.text.replacingOccurrences(of: "\n", with: " "), 94) + "\n"
        }
        return out
    }

    /// Cuts `s` to `width` characters, ending with an ellipsis when cut.
    public static func clip(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "…"
    }
}

extension TextReport {
    /// Duplicate groups for a person: canonical brief, then its copies with their similarity.
    public static func duplicateGroups(_ result: DedupResult, briefs: [Brief], limit: Int = .max) -> String {
        var out = ""
        var shown = result
        shown.groups = Array(result.groups.prefix(limit))
        let links = DuplicateLinks.all(shown, briefs: briefs)
        for g in shown.groups {
            let c = briefs[g.canonical]
            out += "\(c.id)  ×\(g.members.count)  (min similarity \(String(format: "%.2f", g.minSimilarity)))\n"
            out += "    " + clip(c.title ?? c.text.replacingOccurrences(of: "\n", with: " "), 94) + "\n"
            for m in g.members where m != g.canonical {
                guard let link = links[m] else { continue }
                let what = link.summary.isEmpty ? "" : ": " + link.summary
                out += clip("    = \(briefs[m].id)  \(String(format: "%.2f", result.similarity[m]))  \(link.kind.rawValue)\(what)", 100) + "\n"
            }
        }
        if result.groups.count > limit { out += "… \(result.groups.count - limit) more groups\n" }
        return out
    }
}

extension TextReport {
    /// Stories for a person: label, size, span, agencies and datelines, representative, briefs newest first, each in
    /// its latest version, with duplicates folded as `+N reprints (K updated; first HH:MM)`.
    public static func stories(_ result: StoryResult, dedup: DedupResult, briefs: [Brief], limit: Int = .max,
                               minSize: Int = 1, color: Bool = false) -> String {
        var out = ""
        let shown = result.stories.filter({ $0.briefs.count >= minSize }).prefix(limit)
        var groups = dedup
        let inShown = Set(shown.flatMap(\.briefs))
        groups.groups = dedup.groups.filter { inShown.contains($0.canonical) }
        let links = DuplicateLinks.all(groups, briefs: briefs)
        // Each brief is shown in its latest version (the last update), earlier versions folded behind it.
        var latest: [Int: Int] = [:]
        for g in groups.groups {
            let l = DuplicateLinks.latest(of: g, links: links, briefs: briefs)
            if l != g.canonical { latest[g.canonical] = l }
        }
        for (n, s) in shown.enumerated() {
            var head = "\(n + 1). [\(s.label)]  \(s.briefs.count) brief\(s.briefs.count == 1 ? "" : "s")"
            if let f = s.firstPublished, let l = s.lastPublished {
                head += "  " + ISO8601.format(f).prefix(16).replacingOccurrences(of: "T", with: " ")
                if l != f { head += " → " + ISO8601.format(l).prefix(16).replacingOccurrences(of: "T", with: " ") }
            }
            out += (color ? bold(clip(head, 100)) : clip(head, 100)) + "\n"
            var meta = "   \(s.id)"
            if !s.agencies.isEmpty { meta += "  " + s.agencies.prefix(5).joined(separator: "/") }
            if !s.outlets.isEmpty { meta += "  " + s.outlets.prefix(4).joined(separator: ", ") + (s.outlets.count > 4 ? " +\(s.outlets.count - 4)" : "") }
            if !s.datelines.isEmpty { meta += "  " + s.datelines.prefix(4).joined(separator: ", ") }
            out += (color ? dim(clip(meta, 100)) : clip(meta, 100)) + "\n"
            let rep = briefs[s.representative]
            out += "   " + clip(rep.title ?? rep.text.replacingOccurrences(of: "\n", with: " "), 97) + "\n"
            var reprints: [Int: Int] = [:], updates: [Int: Int] = [:]
            for i in s.briefs where dedup.canonicalOf[i] != i {
                let c = dedup.canonicalOf[i]
                reprints[c, default: 0] += 1
                if links[i]?.kind == .update { updates[c, default: 0] += 1 }
            }
            let newestFirst = s.canonicalBriefs.sorted { StoryClusterer.earlier(briefs[latest[$1] ?? $1], briefs[latest[$0] ?? $0]) }
            for i in newestFirst.prefix(8) {
                let b = briefs[latest[i] ?? i]
                var line = "   - "
                if let p = b.published { line += ISO8601.format(p).prefix(16).replacingOccurrences(of: "T", with: " ") + "  " }
                if let d = b.dateline { line += d + ": " }
                line += (b.title ?? b.text).replacingOccurrences(of: "\n", with: " ")
                // When the first version is from another day, its date too ("first 11-24 04:30").
                let since = latest[i] != nil ? briefs[i].published.map { first -> String in
                    let f = ISO8601.format(first), l = b.published.map(ISO8601.format) ?? ""
                    return "; first " + (f.prefix(10) == l.prefix(10) ? String(f.dropFirst(11).prefix(5)) : String(f.dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " "))
                } ?? "" : ""
                let extra = reprints[i].map { "  +\($0) reprint\($0 == 1 ? "" : "s")" + (updates[i].map { " (\($0) updated\(since))" } ?? "") } ?? ""
                out += clip(line, 100 - extra.count) + extra + "\n"
            }
            if newestFirst.count > 8 { out += "   … \(newestFirst.count - 8) more\n" }
            out += "\n"
        }
        return out
    }
}

extension TextReport {
    /// Threads of two or more stories for a person, newest activity first: label, size, span, then each story
    /// (event) newest first with its size and first brief.
    public static func threads(_ threads: [StoryThread], stories: StoryResult, briefs: [Brief], limit: Int = .max,
                               color: Bool = false) -> String {
        let shown = threads.filter { $0.stories.count >= 2 }
        guard !shown.isEmpty else { return "" }
        var storyById: [String: Int] = [:]
        for (k, s) in stories.stories.enumerated() { storyById[s.id] = k }
        var out = "\n" + (color ? bold("Threads (running stories of 2+ events)") : "Threads (running stories of 2+ events)") + "\n\n"
        func day(_ d: Date?) -> String { d.map { String(ISO8601.format($0).prefix(10)) } ?? "?" }
        for (n, t) in shown.prefix(limit).enumerated() {
            var head = "T\(n + 1). [\(t.label)]  \(t.stories.count) events, \(t.briefs.count) briefs  \(day(t.firstPublished))"
            if day(t.lastPublished) != day(t.firstPublished) { head += " → " + day(t.lastPublished) }
            out += (color ? bold(clip(head, 100)) : clip(head, 100)) + "\n"
            out += (color ? dim("   \(t.id)") : "   \(t.id)") + "\n"
            for id in t.stories.prefix(8) {
                guard let k = storyById[id] else { continue }
                let s = stories.stories[k]
                let rep = briefs[s.representative]
                out += clip("   - \(day(s.lastPublished))  \(s.briefs.count)×  " + (rep.title ?? rep.text).replacingOccurrences(of: "\n", with: " "), 100) + "\n"
            }
            if t.stories.count > 8 { out += "   … \(t.stories.count - 8) more events\n" }
            out += "\n"
        }
        if shown.count > limit { out += "… \(shown.count - limit) more threads (--limit)\n" }
        return out
    }
}

extension TextReport {
    /// ANSI bold (only used when stdout is a terminal and NO_COLOR is unset).
    public static func bold(_ s: String) -> String { "\u{1B}[1m" + s + "\u{1B}[0m" }
    /// ANSI dim.
    public static func dim(_ s: String) -> String { "\u{1B}[2m" + s + "\u{1B}[0m" }
}
