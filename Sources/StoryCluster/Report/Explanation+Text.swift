import Foundation

extension Explanation {
    /// The explanation for a person.
    public func text(_ report: RunReport, _ i: Int, _ j: Int) -> String {
        let t = report.settings.dedup.threshold
        let b = report.corpus.briefs
        var out = "\(b[i].id)\n  \(TextReport.clip(b[i].title ?? b[i].text.replacingOccurrences(of: "\n", with: " "), 96))\n"
        out += "\(b[j].id)\n  \(TextReport.clip(b[j].title ?? b[j].text.replacingOccurrences(of: "\n", with: " "), 96))\n\n"
        out += "Duplicates\n"
        out += String(format: "  Jaccard %.3f exact, %.3f MinHash estimate (%d and %d shingles)\n", jaccard, estimatedJaccard, shingleCounts.0, shingleCounts.1)
        out += "  LSH \(lsh.bands)×\(lsh.rows): \(collidingBands.isEmpty ? "no band collided" : "bands \(collidingBands.map(String.init).joined(separator: ",")) collided")\n"
        if !sharedShingles.isEmpty { out += "  shared shingles: " + sharedShingles.map { "\"\($0)\"" }.joined(separator: ", ") + "\n" }
        if let link {
            out += "  link of the second to the first: \(link.kind.rawValue)" + (link.summary.isEmpty ? "" : " (\(link.summary))") + "\n"
            for s in link.addedSentences.prefix(3) { out += "    + " + TextReport.clip(s, 90) + "\n" }
            for s in link.droppedSentences.prefix(3) { out += "    − " + TextReport.clip(s, 90) + "\n" }
            for e in link.editedSentences.prefix(3) { out += "    ~ " + TextReport.clip(e.before, 44) + " → " + TextReport.clip(e.after, 44) + "\n" }
            if let h = link.headline {
                out += "    headline " + TextReport.clip(h.before, 40) + " → " + TextReport.clip(h.after, 40)
                    + (link.headlineNews.isEmpty ? " (no news: a copy)" : " (news: " + link.headlineNews.joined(separator: ", ") + ")") + "\n"
            }
        }
        let why = sameDuplicateGroup ? "same duplicate group"
            : versionVetoed ? "not duplicates: they name different version numbers (dedup.version_veto)"
            : jaccard >= t ? "similar, but not within threshold of the same canonical brief" : "not duplicates"
        out += String(format: "  decision: %@ (threshold %.2f; canonical %@ / %@)\n", why, t, canonicals.0, canonicals.1)
        out += "\nStories\n"
        let st = report.settings.stories
        if st.method == .events {
            out += String(format: "  TF-IDF cosine %.3f (title, capitalised words and numbers weighted); stories merge while their average pairwise cosine is ≥ %.3f\n",
                          cosine, Double(st.eventThreshold))
            if !sharedTerms.isEmpty { out += "  top shared terms: " + sharedTerms.map { String(format: "%@ (%.3f)", $0.0, $0.1) }.joined(separator: ", ") + "\n" }
            if let h = hoursApart {
                out += String(format: "  %.1f hours apart%@\n", h, h > st.eventWindowHours
                              ? String(format: " (beyond the %.0f h window: never linked directly)", st.eventWindowHours) : " (within the time window)")
            } else {
                out += "  publication time unknown for at least one: no time limit\n"
            }
        } else {
            out += String(format: "  TF-IDF cosine %.3f; length factor ×%.2f → %.3f before SVD smoothing (story threshold %.2f on the average)\n",
                          cosine, lengthFactor, cosine * lengthFactor, Double(st.threshold))
            if !sharedTerms.isEmpty { out += "  top shared terms: " + sharedTerms.map { String(format: "%@ (%.3f)", $0.0, $0.1) }.joined(separator: ", ") + "\n" }
            if let h = hoursApart {
                let w = st.timeWindowHours
                out += String(format: "  %.1f hours apart%@\n", h, h > w ? String(format: " (beyond the %.0f h window: similarity × %.3f)", w, exp(-(h - w) / st.timeDecayHours)) : " (within the time window: no penalty)")
            } else {
                out += "  publication time unknown for at least one: no time penalty\n"
            }
        }
        out += "  decision: \(sameStory ? "same story" : "different stories") (\(stories.0) / \(stories.1))\n"
        guard st.threads, !threads.0.isEmpty else { return out }
        out += "\nThreads\n"
        if sameStory {
            out += "  one story, so one thread (\(threads.0))\n"
            return out
        }
        out += String(format: "  cosine of the two stories' centroids %.3f (edges from %.2f; threads merge while the average over their event pairs within %.0f h is ≥ %.2f)\n",
                      eventCosine, Double(st.threadEdgeFloor), st.threadWindowHours, Double(st.threadThreshold))
        if let h = eventHoursApart {
            out += String(format: "  stories %.1f hours apart (mean times)%@\n", h, h > st.threadWindowHours
                          ? " (beyond the thread window: linked only through events between them)" : "")
        }
        out += "  decision: \(threads.0 == threads.1 ? "same thread" : "different threads") (\(threads.0) / \(threads.1))\n"
        return out
    }
}
