/// A brief's language as far as matching cares: the two we ship stop words for, or anything else.
public enum Language: String, Hashable, Sendable, CaseIterable {
    /// Dutch.
    case nl
    /// English.
    case en
    /// Another language, or too little text to tell.
    case other
}

/// Guesses Dutch / English / other from hits on short lists of function words only one of the two uses.
///
/// Cheap on purpose (one pass over the tokens): it only picks stop-word lists and labels output.
public enum LanguageGuesser {
    static let dutch = WordTable(["de", "het", "een", "van", "en", "op", "dat", "niet", "met", "voor", "zijn", "er", "ook",
                                     "naar", "heeft", "werd", "door", "bij", "maar", "om", "wordt", "nog", "tegen", "hij",
                                     "zij", "ze", "die", "deze", "dit", "worden", "uit", "over", "aan", "wil", "zou", "geen"])
    static let english = WordTable(["the", "a", "and", "of", "to", "on", "that", "not", "with", "for", "are", "was", "has",
                                       "by", "at", "but", "from", "as", "be", "have", "it", "said", "he", "she", "they",
                                       "this", "which", "were", "will", "would", "his", "her", "their", "after", "says"])

    /// Packs a word of up to 8 bytes into an integer, so lookups allocate nothing.
    @inline(__always) static func packWord(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var v: UInt64 = 0
        for b in bytes { v = (v << 8) | UInt64(b) }
        return v
    }

    /// A tiny open-addressing set of packed words: no hashing of Swift values in the per-token loop.
    struct WordTable {
        var slots = [UInt64](repeating: 0, count: 256)
        init(_ words: [String]) {
            for w in words {
                let v = Array(w.utf8).withUnsafeBufferPointer { LanguageGuesser.packWord($0) }
                var i = WordTable.slot(v)
                while slots[i] != 0 && slots[i] != v { i = (i + 1) & 255 }
                slots[i] = v
            }
        }
        @inline(__always) static func slot(_ v: UInt64) -> Int { Int(truncatingIfNeeded: (v &* 0x9E37_79B9_7F4A_7C15) >> 56) }
        @inline(__always) func contains(_ v: UInt64) -> Bool {
            var i = WordTable.slot(v)
            while true {
                let s = slots[i]
                if s == v { return true }
                if s == 0 { return false }
                i = (i + 1) & 255
            }
        }
    }

    /// Returns `.nl`, `.en`, or `.other` when neither list has at least two hits and a clear lead.
    ///
    /// Only the first 240 bytes (about 40 words) are read: function words are frequent enough that more text rarely changes the answer.
    public static func guess(_ text: String) -> Language {
        var nl = 0, en = 0
        let head = text.utf8.count <= 240 ? Substring(text) : text[..<(text.utf8.index(text.startIndex, offsetBy: 240, limitedBy: text.endIndex) ?? text.endIndex)]
        TextNormalizer.forEachToken(in: head) { bytes in
            guard bytes.count <= 8 else { return }
            let word = packWord(bytes)
            if dutch.contains(word) { nl += 1 }
            if english.contains(word) { en += 1 }
        }
        if nl >= 2 && nl > en { return .nl }
        if en >= 2 && en > nl { return .en }
        if nl + en == 1 { return nl == 1 ? .nl : .en }
        return .other
    }
}
