import Foundation

/// The version printed by `--version` and written into reports.
public enum StoryClusterVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
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
        for g in result.groups.prefix(limit) {
            let c = briefs[g.canonical]
            out += "\(c.id)  ×\(g.members.count)  (min similarity \(String(format: "%.2f", g.minSimilarity)))\n"
            out += "    " + clip(c.title ?? c.text.replacingOccurrences(of: "\n", with: " "), 94) + "\n"
            for m in g.members.dropFirst() {
                out += "    = \(briefs[m].id)  \(String(format: "%.2f", result.similarity[m]))\n"
            }
        }
        if result.groups.count > limit { out += "… \(result.groups.count - limit) more groups\n" }
        return out
    }
}
