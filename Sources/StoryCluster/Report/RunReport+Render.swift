import Foundation

extension RunReport {
    /// The run as one JSON object: `meta`, `briefs` (with `story` and `canonical`), `skipped`, `duplicates`, `stories`.
    /// Documented by `Data/schema/storycluster-run.schema.json`.
    public func json() -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        writeMeta(&w)
        let briefs = corpus.briefs
        if let delta { writeRun(delta, to: &w) }
        w.key("briefs")
        w.beginArray()
        for i in reportedBriefs {
            let b = briefs[i]
            CorpusJSON.write(b, to: &w, extra: { w in
                w.field("story", stories.stories[stories.storyOf[i]].id)
                if !stories.threads.isEmpty { w.field("thread", stories.stories[stories.storyOf[i]].thread) }
                w.field("canonical", briefs[dedup.canonicalOf[i]].id)
            })
        }
        w.endArray()
        w.key("skipped")
        w.beginArray()
        for s in corpus.skipped { CorpusJSON.write(s, to: &w) }
        w.endArray()
        // Since the last run: the groups a new brief joined or formed (either path holds others too).
        let newBriefs = sinceLast ? delta?.newBriefs : nil
        DedupJSON.writeGroups(dedup, briefs: briefs, to: &w, only: newBriefs.map { ids in { ids.contains(briefs[$0].id) } })
        var shown = stories
        shown.stories = reportedStories.map { stories.stories[$0] }
        StoryJSON.writeStories(shown, briefs: briefs, to: &w)
        if !stories.threads.isEmpty {
            let wanted = Set(shown.stories.map(\.thread))
            StoryJSON.writeThreads(stories.threads.filter { wanted.contains($0.id) }, briefs: briefs, to: &w)
        }
        w.endObject()
        return w.bytes + [0x0A]
    }

    func writeRun(_ d: RunDelta, to w: inout JSONWriter) {
        w.key("run")
        w.beginObject()
        w.field("run_id", d.runId)
        w.field("previous_run_id", d.previousRunId)
        w.field("state", d.statePath)
        w.key("since_last"); w.bool(sinceLast)
        w.field("path", d.path.rawValue)
        w.field("full_path_reason", d.fullPathReason)
        w.field("story_placement", d.storyPlacement?.rawValue)
        w.field("files_parsed", d.filesParsed)
        w.field("files_reused", d.filesReused)
        w.field("files_missing", d.filesMissing)
        w.field("new_briefs", d.newBriefs.count)
        w.field("new_stories", d.newStories)
        // Things that gained members: [{"id", <what>: [ids]}].
        func grown(_ key: String, _ list: [(String, [String])], _ what: String) {
            w.key(key)
            w.beginArray()
            for (id, added) in list { w.beginObject(); w.field("id", id); w.field(what, added); w.endObject() }
            w.endArray()
        }
        grown("grown_stories", d.grownStories, "new_briefs")
        w.field("new_threads", d.newThreads)
        grown("grown_threads", d.grownThreads, "new_stories")
        w.field("quiet_stories", d.quietStories)
        w.key("merged")
        w.beginArray()
        for (old, into) in d.merged { w.beginObject(); w.field("id", old); w.field("merged_into", into); w.endObject() }
        w.endArray()
        w.endObject()
    }

    func writeMeta(_ w: inout JSONWriter) {
        w.key("meta")
        w.beginObject()
        w.field("version", StoryClusterVersion.current)
        w.field("corpus", corpusPath)
        w.key("settings")
        w.beginObject()
        w.key("dedup")
        SettingsJSON.write(settings.dedup, to: &w)
        w.key("stories")
        SettingsJSON.write(settings.stories, canonicalBriefs: clusteredCanonicalBriefs ?? (totalBriefs - duplicatesRemoved), to: &w)
        w.endObject()
        w.key("counts")
        w.beginObject()
        let lost = corpus.skipped.filter { !$0.recovered }.count
        w.field("files", corpus.filesRead)
        w.field("briefs", totalBriefs)
        w.field("skipped", lost)
        w.field("warnings", corpus.skipped.count - lost)
        w.field("duplicates_removed", duplicatesRemoved)
        w.field("duplicate_groups", totalDuplicateGroups)
        w.field("stories", totalStories)
        w.endObject()
        w.key("timings")
        w.beginObject()
        for (name, seconds) in timings { w.key(name); w.double(seconds) }
        w.endObject()
        w.key("dedup")
        w.beginObject()
        let s = dedup.stats
        w.field("exact_duplicates", s.exactDuplicates)
        w.field("candidate_pairs", s.candidatePairs)
        w.field("verified_pairs", s.verifiedPairs)
        w.field("signature_bytes_per_brief", s.signatureBytesPerBrief)
        w.key("shingle_bytes_per_brief"); w.double(s.shingleBytesPerBrief, digits: 1)
        w.endObject()
        w.endObject()
    }

    /// One CSV row per brief (RFC 4180), for spreadsheets: its story, duplicate group and canonical brief.
    public func csv() -> String {
        var out = "id,source,line,published,dateline,agencies,lang,story_id,story_label,thread_id,duplicate_group,canonical_id,is_canonical,similarity_to_canonical,link_type,title,text\r\n"
        let briefs = corpus.briefs
        var groupOf: [Int: String] = [:]
        for g in dedup.groups { for m in g.members { groupOf[m] = briefs[g.canonical].id } }
        let links = DuplicateLinks.all(dedup, briefs: briefs)
        for i in reportedBriefs {
            let b = briefs[i]
            let story = stories.stories[stories.storyOf[i]]
            let fields: [String] = [
                b.id, b.source, String(b.line), b.published.map(ISO8601.format) ?? "", b.dateline ?? "", b.agencies.joined(separator: "/"),
                b.lang.rawValue, story.id, story.label, story.thread, groupOf[i] ?? "", briefs[dedup.canonicalOf[i]].id,
                dedup.canonicalOf[i] == i ? "true" : "false", String(format: "%.4f", dedup.similarity[i]),
                links[i]?.kind.rawValue ?? "",
                b.title ?? "", b.text,
            ]
            out += fields.map(CSV.quote).joined(separator: ",") + "\r\n"
        }
        return out
    }
}

/// CSV quoting (RFC 4180).
public enum CSV {
    /// Quotes a field when it holds a comma, quote, or line break; doubles inner quotes. Leading `=+-@`, tab or
    /// carriage return get a `'` so spreadsheets do not run a brief's text as a formula (OWASP's CSV injection list).
    public static func quote(_ field: String) -> String {
        var f = field
        if let first = f.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { f = "'" + f }
        guard f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return f }
        return "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// JSON encodings of settings (shared by `meta` and `config --print-defaults`).
public enum SettingsJSON {
    /// Writes the dedup settings object.
    public static func write(_ c: DedupConfig, to w: inout JSONWriter) {
        w.beginObject()
        w.key("threshold"); w.double(c.threshold)
        w.field("shingle", c.shingles.kind.rawValue)
        w.field("shingle_size", c.shingles.size)
        w.field("permutations", c.permutations)
        w.field("seed", Int(truncatingIfNeeded: c.seed))
        w.field("bands", c.effectiveLSH.bands)
        w.field("rows", c.effectiveLSH.rows)
        w.endObject()
    }

    /// Writes the story settings object; `canonicalBriefs` decides the automatic SVD dimensions.
    public static func write(_ c: StoryConfig, canonicalBriefs: Int, to w: inout JSONWriter) {
        w.beginObject()
        w.key("threshold"); w.double(Double(c.threshold))
        w.field("dimensions", c.dimensions(for: canonicalBriefs))
        w.field("dimensions_rule", c.dimensions == nil ? "auto" : "fixed")
        w.field("power_iterations", c.powerIterations(for: canonicalBriefs))
        w.field("neighbour_search", c.usesApproximateSearch(for: canonicalBriefs) ? "approximate" : "exact")
        w.field("neighbours", c.neighbours)
        w.field("smoothing", c.smoothing)
        w.key("half_reliable_tokens"); w.double(Double(c.halfReliableTokens), digits: 1)
        w.key("time_window_hours"); w.double(c.timeWindowHours, digits: 1)
        w.key("time_decay_hours"); w.double(c.timeDecayHours, digits: 1)
        w.field("seed", Int(truncatingIfNeeded: c.seed))
        w.key("bigrams"); w.bool(c.bigrams)
        w.key("name_boost"); w.double(Double(c.nameBoost), digits: 2)
        w.key("dateline_terms"); w.bool(c.datelineTerms)
        w.endObject()
    }
}

extension RunReport {
    /// The report for a person: a summary line, then stories by most recent activity (see `TextReport.stories`).
    public func text(limit: Int = .max, minSize: Int = 1, color: Bool = false) -> String {
        let total = timings.last?.1 ?? 0
        let lost = corpus.skipped.filter { !$0.recovered }.count
        var head = "\(totalBriefs) briefs" + (history == nil ? " read" : " in the history")
        if lost > 0 { head += ", \(lost) skipped" }
        let bigEnough = reportedStories.filter { stories.stories[$0].briefs.count >= minSize }
        head += ", \(duplicatesRemoved) duplicates removed, \(totalStories) stories"
        if minSize > 1 { head += " (\(bigEnough.count) with \(minSize)+ briefs)" }
        head += String(format: " in %.2f s", total)
        var out = (color ? TextReport.bold(head) : head) + "\n"
        if let d = delta {
            out += "run \(d.runId)" + (d.previousRunId.map { " (previous \($0))" } ?? " (first run of this state)")
            out += ": \(d.filesParsed) files parsed, \(d.filesReused) unchanged, \(d.newBriefs.count) new briefs"
            if d.path == .append {
                // A night that could not use the stored story model is several times slower: say how to get it back.
                out += d.storyPlacement == .window ? " (appended; time window re-embedded: no stored story model fits, --rebuild refits one)"
                    : " (appended)"
            } else {
                out += " (full pass: \(d.fullPathReason ?? "?"))"
            }
            out += "; "
            out += "\(d.newStories.count) new stories, \(d.grownStories.count) grew, \(d.quietStories.count) went quiet"
            if !d.merged.isEmpty { out += ", \(d.merged.count) merged" }
            if !d.newThreads.isEmpty || !d.grownThreads.isEmpty {
                out += "; threads: \(d.newThreads.count) new, \(d.grownThreads.count) grew"
            }
            out += "\n"
            for (old, into) in d.merged { out += "  \(old) merged into \(into)\n" }
            if sinceLast && !d.quietStories.isEmpty {
                // After a first import every story "grew" in the previous run: thousands of ids are no summary.
                let shown = d.quietStories.prefix(20)
                out += "  quiet: " + shown.joined(separator: ", ")
                out += d.quietStories.count > shown.count ? ", … \(d.quietStories.count - shown.count) more (JSON lists all)\n" : "\n"
            }
        }
        out += "\n"
        var shown = stories
        shown.stories = reportedStories.map { stories.stories[$0] }
        out += TextReport.stories(shown, dedup: dedup, briefs: corpus.briefs, limit: limit, minSize: minSize, color: color)
        let hidden = bigEnough.count - min(limit, bigEnough.count)
        if hidden > 0 { out += "… \(hidden) more stories (--limit)\n" }
        let wanted = Set(shown.stories.map(\.thread))
        out += TextReport.threads(stories.threads.filter { wanted.contains($0.id) }, stories: stories, briefs: corpus.briefs,
                                  limit: limit, color: color)
        return out
    }
}
