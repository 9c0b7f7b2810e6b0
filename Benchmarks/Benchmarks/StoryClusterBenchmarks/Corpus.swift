import StoryCluster

/// A seeded in-process corpus of news-like briefs (~60 words) with 10% planted near-duplicates, so the stage
/// benchmarks need no files. The peers script uses `peers/generate.py` for the same shape at 100k–1M briefs.
enum SyntheticCorpus {
    static func briefs(count: Int, seed: UInt64 = 42) -> [Brief] {
        var rng = SplitMix64(seed: seed)
        let syllables = ["ka", "lo", "mi", "ne", "ro", "ta", "vi", "su", "de", "an", "or", "el", "pa", "gu", "zi", "ber"]
        let vocabulary: [String] = (0..<4000).map { _ in
            (0..<(2 + Int(rng.next() % 3))).map { _ in syllables[Int(rng.next() % UInt64(syllables.count))] }.joined()
        }
        // Zipf-like draw: squaring a uniform favours the head of the vocabulary.
        func word() -> String {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            return vocabulary[Int(u * u * u * Double(vocabulary.count))]
        }
        var out: [Brief] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            if i > 10, rng.next() % 10 == 0 {
                // Near-duplicate of an earlier brief: change two words and append a short sentence.
                let original = out[Int(rng.next() % UInt64(i))]
                var words = original.text.split(separator: " ").map(String.init)
                for _ in 0..<2 { words[Int(rng.next() % UInt64(words.count))] = word() }
                let text = words.joined(separator: " ") + " " + (0..<5).map { _ in word() }.joined(separator: " ") + "."
                out.append(Brief(id: "b\(i)", source: "synthetic", lang: .en, text: text))
            } else {
                let n = 40 + Int(rng.next() % 40)
                out.append(Brief(id: "b\(i)", source: "synthetic", lang: .en, text: (0..<n).map { _ in word() }.joined(separator: " ") + "."))
            }
        }
        return out
    }
}
