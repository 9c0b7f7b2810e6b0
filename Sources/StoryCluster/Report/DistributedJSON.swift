import Foundation

/// JSON Lines for a distributed job: what each partition's `storycluster sketch` hands the driver, and the `dedup`
/// and `run` records a driver gathers. One record per line, so a driver reads them without loading a document.
public enum SketchJSON {
    /// The sketch of a shard: a header line naming the settings every partition must share, then one line per brief
    /// `{"id", "line", "published", "length", "shingles", "exact", "version", "bands"[, "signature"]}`.
    ///
    /// Keys and band keys are signed 64-bit integers (the bits of the unsigned hash), which JVM engines hold
    /// exactly. A brief with no shingles gets no band keys: an empty text is never a duplicate.
    public static func lines(_ corpus: Corpus, deduplicator: Deduplicator, signatures: Bool = false) -> [UInt8] {
        let config = deduplicator.config
        let lsh = config.effectiveLSH
        let texts = corpus.briefs.map(\.text)
        let (batch, keys) = deduplicator.bandKeys(texts, keepSignatures: signatures)
        var w = JSONWriter()
        w.beginObject()
        w.field("storycluster_sketch", 1)
        w.field("dedup", config.stateKey)
        w.field("bands", lsh.bands)
        w.field("rows", lsh.rows)
        w.field("permutations", config.permutations)
        w.field("briefs", corpus.briefs.count)
        w.endObject()
        w.endLine()
        for (i, b) in corpus.briefs.enumerated() {
            w.beginObject()
            w.field("id", b.id)
            w.field("line", b.line)
            w.key("published"); w.date(b.published)
            w.field("length", b.text.utf8.count)
            w.field("shingles", batch.shingleCount(i))
            w.field("exact", Int(Int64(bitPattern: batch.exactKeys[i])))
            w.field("version", Int(Int64(bitPattern: batch.versionKeys.isEmpty ? 0 : batch.versionKeys[i])))
            w.key("bands")
            w.beginArray()
            if batch.shingleCount(i) > 0 {
                for k in keys[(i * lsh.bands)..<((i + 1) * lsh.bands)] { w.int(Int(Int64(bitPattern: k))) }
            }
            w.endArray()
            if signatures {
                w.key("signature")
                w.beginArray()
                for v in batch.signature(i) { w.int(Int(v)) }
                w.endArray()
            }
            w.endObject()
            w.endLine()
        }
        return w.bytes
    }
}

extension DedupReport {
    /// One line per duplicate group, `{"canonical", "members", "latest", "min_similarity", "links"}` (as in the JSON
    /// report); briefs without duplicates get no line.
    public static func jsonLines(_ corpus: Corpus, _ dedup: DedupResult) -> [UInt8] {
        let links = DuplicateLinks.all(dedup, briefs: corpus.briefs)
        var w = JSONWriter()
        for g in dedup.groups {
            DedupJSON.writeGroup(g, links: links, briefs: corpus.briefs, to: &w)
            w.endLine()
        }
        return w.bytes
    }
}

extension RunReport {
    /// One line per reported brief, `{"id", "published", "story", "story_label", "thread", "canonical",
    /// "similarity", "link_type"}`: the CSV's placement columns without the text, for a driver that joins runs.
    public func jsonLines() -> [UInt8] {
        let briefs = corpus.briefs
        let links = DuplicateLinks.all(dedup, briefs: briefs)
        var w = JSONWriter()
        for i in reportedBriefs {
            let b = briefs[i]
            let story = stories.stories[stories.storyOf[i]]
            w.beginObject()
            w.field("id", b.id)
            w.key("published"); w.date(b.published)
            w.field("story", story.id)
            w.field("story_label", story.label)
            w.field("thread", story.thread)
            w.field("canonical", briefs[dedup.canonicalOf[i]].id)
            w.key("similarity"); w.double(dedup.similarity[i])
            w.field("link_type", links[i]?.kind.rawValue)
            w.endObject()
            w.endLine()
        }
        return w.bytes
    }
}

/// Term statistics as text a driver can add up: `documents<TAB>N`, then `hash<TAB>df` per term (the hash as a signed
/// 64-bit integer), one per line.
public enum TermStatisticsFile {
    /// The statistics as text.
    public static func write(_ s: TermStatistics) -> [UInt8] {
        var out = "documents\t\(s.documents)\n"
        out.reserveCapacity(s.frequencies.count * 24)
        for (h, d) in s.frequencies.sorted(by: { $0.key < $1.key }) { out += "\(Int64(bitPattern: h))\t\(d)\n" }
        return Array(out.utf8)
    }

    /// Reads statistics written by `write` (or summed from several such files by a driver: repeated hashes and
    /// `documents` lines add up).
    /// - Throws: `StoryClusterError` (usage, exit 64) naming the line that is not `documents<TAB>N` or `hash<TAB>df`.
    public static func read(_ text: String, name: String) throws -> TermStatistics {
        var s = TermStatistics(documents: 0, frequencies: [:])
        var lineNo = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            if line.isEmpty { continue }
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                throw StoryClusterError.usage("\(name):\(lineNo): expected documents<TAB>N or hash<TAB>df")
            }
            if parts[0] == "documents" {
                s.documents += value
            } else if let h = Int64(parts[0]) {
                s.frequencies[UInt64(bitPattern: h), default: 0] += value
            } else {
                throw StoryClusterError.usage("\(name):\(lineNo): expected documents<TAB>N or hash<TAB>df")
            }
        }
        return s
    }
}
