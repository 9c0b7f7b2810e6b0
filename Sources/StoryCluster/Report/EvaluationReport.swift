import Foundation

extension Evaluation {
    /// The scores for a person: B-cubed, pairwise, ARI/NMI, then the `worst` largest wrong merges and splits.
    public func text(worst: Int) -> String {
        let s = scores
        let errors = worstErrors(limit: worst)
        var out = "\(ids.count) labelled briefs (\(field.rawValue)), \(missing.count) missing from the run (counted as singletons)\n"
        out += "B-cubed   \(s.bcubed)\n"
        out += "pairwise  \(s.pairwise)\n"
        out += String(format: "ARI %.3f  NMI %.3f  clusters %d predicted / %d gold\n", s.ari, s.nmi, s.predictedClusters, s.goldClusters)
        if !errors.merges.isEmpty {
            out += "\nlargest wrong merges (predicted cluster: gold clusters it mixes)\n"
            for m in errors.merges { out += "  \(m.cluster) (\(m.size)): " + m.parts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ") + "\n" }
        }
        if !errors.splits.isEmpty {
            out += "\nmost split gold clusters (gold: predicted pieces)\n"
            for m in errors.splits { out += "  \(m.cluster) (\(m.size)): " + m.parts.map { "\($0.0) ×\($0.1)" }.joined(separator: ", ") + "\n" }
        }
        return out
    }

    /// The scores as one JSON object, with the `worst` largest wrong merges and splits.
    public func json(worst: Int) -> [UInt8] {
        let s = scores
        let errors = worstErrors(limit: worst)
        var w = JSONWriter()
        w.beginObject()
        w.field("field", field.rawValue)
        w.field("labelled", ids.count)
        for (name, prf) in [("bcubed", s.bcubed), ("pairwise", s.pairwise)] {
            w.key(name)
            w.beginObject()
            w.key("precision"); w.double(prf.precision)
            w.key("recall"); w.double(prf.recall)
            w.key("f1"); w.double(prf.f1)
            w.endObject()
        }
        w.key("ari"); w.double(s.ari)
        w.key("nmi"); w.double(s.nmi)
        w.field("predicted_clusters", s.predictedClusters)
        w.field("gold_clusters", s.goldClusters)
        w.field("missing", missing)
        for (name, list, own, other) in [("worst_merges", errors.merges, "predicted", "gold"), ("worst_splits", errors.splits, "gold", "predicted")] {
            w.key(name)
            w.beginArray()
            for m in list {
                w.beginObject(); w.field(own, m.cluster); w.field("size", m.size)
                w.key(other); w.beginObject(); for (g, n) in m.parts { w.field(g, n) }; w.endObject()
                w.endObject()
            }
            w.endArray()
        }
        w.endObject()
        return w.bytes + [0x0A]
    }
}

/// The `tune` score curve for a person.
public enum TuningReport {
    /// One line per combination tried, then the best B-cubed F1 and the defaults it compares with.
    public static func text(_ points: [TuningPoint], keys: [String], defaults: [String]) -> String {
        let widths = keys.map { max($0.count, 8) }
        var out = zip(keys, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        out += "  B3-P   B3-R   B3-F1  pair-F1  ARI    NMI    clusters\n"
        var best: TuningPoint?
        for p in points {
            let c = p.scores
            out += zip(p.values, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
            out += String(format: "  %.3f  %.3f  %.3f  %.3f    %.3f  %.3f  %d/%d\n", c.bcubed.precision, c.bcubed.recall,
                          c.bcubed.f1, c.pairwise.f1, c.ari, c.nmi, c.predictedClusters, c.goldClusters)
            if c.bcubed.f1 > (best?.scores.bcubed.f1 ?? -1) { best = p }
        }
        if let best {
            let at = zip(keys, best.values).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            let now = zip(keys, defaults).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            out += String(format: "\nbest B-cubed F1 %.3f at %@ (current: %@)\n", best.scores.bcubed.f1, at, now)
        }
        return out
    }
}

/// The `dedup` command's report.
public enum DedupReport {
    /// A summary line, then each duplicate group with its members.
    public static func text(_ corpus: Corpus, _ dedup: DedupResult, seconds: Double) -> String {
        let s = dedup.stats
        var text = TextReport.summary(corpus, seconds: seconds)
        text += ", \(s.duplicatesRemoved) duplicates (\(s.exactDuplicates) exact) in \(dedup.groups.count) groups"
        text += "; LSH \(s.bands)×\(s.rows), \(s.candidatePairs) candidates, \(s.verifiedPairs) verified\n\n"
        text += TextReport.duplicateGroups(dedup, briefs: corpus.briefs)
        return text
    }

    /// `{"duplicates", "dedup_stats", "skipped"}` as one JSON object.
    public static func json(_ corpus: Corpus, _ dedup: DedupResult) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        DedupJSON.writeGroups(dedup, briefs: corpus.briefs, to: &w)
        DedupJSON.writeStats(dedup.stats, to: &w)
        w.key("skipped")
        w.beginArray()
        for s in corpus.skipped { CorpusJSON.write(s, to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes + [0x0A]
    }

    /// `{"briefs", "skipped", ...}` for `ingest --format json`.
    public static func ingestJSON(_ corpus: Corpus) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        CorpusJSON.writeCorpus(corpus, to: &w)
        w.endObject()
        return w.bytes + [0x0A]
    }
}
