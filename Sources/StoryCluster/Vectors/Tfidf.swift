import Foundation

/// Sparse rows in compressed-row form: the TF-IDF matrix of a shard of briefs.
public struct SparseRows: Sendable {
    /// Number of columns (vocabulary size).
    public var columnCount: Int
    /// Row i's entries are `columns[rowStart[i]..<rowStart[i+1]]` (ascending) with `values` alongside.
    public var rowStart: [Int]
    /// Column index of each stored value.
    public var columns: [Int32]
    /// Stored values.
    public var values: [Float]

    /// Number of rows.
    public var rowCount: Int { rowStart.count - 1 }
    /// Number of stored values in row `i`.
    public func nonZeros(_ i: Int) -> Int { rowStart[i + 1] - rowStart[i] }

    /// Rows `range` alone.
    public func rows(_ range: Range<Int>) -> SparseRows {
        let first = rowStart[range.lowerBound], last = rowStart[range.upperBound]
        return SparseRows(columnCount: columnCount, rowStart: rowStart[range.lowerBound...range.upperBound].map { $0 - first },
                          columns: Array(columns[first..<last]), values: Array(values[first..<last]))
    }

    /// Appends `other`'s rows (columns of both in one vocabulary; the wider count is kept).
    public mutating func append(_ other: SparseRows) {
        let base = columns.count
        columns += other.columns
        values += other.values
        rowStart += other.rowStart.dropFirst().map { $0 + base }
        columnCount = max(columnCount, other.columnCount)
    }
}

/// TF-IDF settings.
public struct TfidfConfig: Hashable, Sendable {
    /// Tokens dropped before counting.
    public var stopWords: Set<String> = StopWords.all
    /// Tokens shorter than this many bytes are dropped (single letters and digits carry no story).
    public var minTokenBytes = 2
    /// Also count pairs of consecutive content words as terms. Off: measured −0.01…+0.01 on ECB+ and UCI.
    public var bigrams = false
    /// Multiply the weight of words written with a capital inside a sentence (names) by 1 + this. Off (0):
    /// measured ±0.01–0.03 on ECB+ and UCI.
    public var nameBoost: Float = 0
    /// Extra counts per occurrence of a word written with a capital (anywhere, sentence starts included): names of
    /// people, places and teams tell events apart. 0 = off.
    public var capitalBoost = 0
    /// Extra counts per occurrence of a number (scores, tolls, amounts, dates). 0 = off.
    public var numberBoost = 0
    /// The default settings.
    public init() {}
}

/// Document frequencies of term hashes over a corpus, and its number of documents: the part of a TF-IDF fit that
/// partitions can compute apart and add up.
public struct TermStatistics: Sendable, Equatable {
    /// Documents counted.
    public var documents: Int
    /// Documents holding each term (by the hash `TfidfModel` keys terms with).
    public var frequencies: [UInt64: Int]

    /// Creates statistics.
    public init(documents: Int, frequencies: [UInt64: Int]) {
        self.documents = documents
        self.frequencies = frequencies
    }
}

/// A fitted TF-IDF model: vocabulary and inverse document frequencies learned from canonical briefs only,
/// so reprints do not inflate document frequencies.
///
/// Weights: tf = 1 + ln(count) (sublinear), idf(t) = ln((1 + n) / (1 + df(t))) + 1 (smoothed, as scikit-learn's
/// `smooth_idf=True`), x = tf · idf, each row L2-normalised (an empty row stays zero).
public struct TfidfModel: Sendable {
    /// Term of each column (its normalised form), for labels.
    public let terms: [String]
    /// idf of each column.
    public let idf: [Float]
    /// Documents the model was fitted on.
    public let documentCount: Int
    let config: TfidfConfig
    let columnOf: [UInt64: Int32]
    let stopHashes: Set<UInt64>

    /// Fits the model on `texts` and returns it with their TF-IDF rows. With `statistics` (document frequencies of a
    /// larger corpus: the whole corpus a window of a distributed run belongs to), a term's idf is the corpus's, so
    /// the window weighs terms as a run over the whole corpus does.
    /// - Complexity: O(total tokens · log(tokens per text)).
    public static func fit(_ texts: [String], config: TfidfConfig = TfidfConfig(), statistics: TermStatistics? = nil) -> (model: TfidfModel, rows: SparseRows) {
        TfidfModel(terms: [], idf: [], documentCount: 0, config: config, columnOf: [:], stopHashes: stopHashes(config))
            .extending(texts, statistics: statistics)
    }

    /// Document frequencies of each term hash over the texts given, and their number: what a partition of a
    /// distributed run contributes to `TermStatistics` (summed over partitions).
    public static func documentFrequencies(_ texts: [String], config: TfidfConfig = TfidfConfig()) -> TermStatistics {
        let stop = stopHashes(config)
        var df: [UInt64: Int] = [:]
        var seen = Set<UInt64>()
        for text in texts {
            seen.removeAll(keepingCapacity: true)
            forEachTerm(text, config: config, stop: stop) { h, _, _ in seen.insert(h) }
            for h in seen { df[h, default: 0] += 1 }
        }
        return TermStatistics(documents: texts.count, frequencies: df)
    }

    /// TF-IDF rows of new texts under this model (terms it never saw are dropped).
    public func transform(_ texts: [String]) -> SparseRows {
        var ids: [Int32] = []
        var docs = [[(Int32, Int32)]]()
        var boosted = [Set<Int32>]()
        docs.reserveCapacity(texts.count)
        for text in texts {
            ids.removeAll(keepingCapacity: true)
            let names = config.nameBoost > 0 ? Self.nameHashes(text) : []
            var named = Set<Int32>()
            Self.forEachTerm(text, config: config, stop: stopHashes) { h, _, isName in
                guard let c = columnOf[h] else { return }
                ids.append(c)
                if isName(names) { named.insert(c) }
            }
            docs.append(TfidfModel.countRuns(&ids))
            boosted.append(named)
        }
        return rows(docs, boosted: boosted)
    }

    /// This model with the terms of `texts` it never saw appended (idf from their document frequency among `texts`,
    /// with the fitted documents counted in n; known terms keep theirs), and the texts' rows under it. A fit is an
    /// empty model extended; a night labels its stories through the stored model extended, so that a story that
    /// began after the fit can be named by its new terms. With `statistics`, a new term the statistics count takes
    /// their idf instead (see `fit`).
    public func extending(_ texts: [String], statistics: TermStatistics? = nil) -> (model: TfidfModel, rows: SparseRows) {
        extendingInChunks(texts, chunks: texts.count >= Self.parallelTexts ? ProcessInfo.processInfo.activeProcessorCount * 4 : 1,
                          statistics: statistics)
    }

    /// Texts from which `extending` tokenises on all cores.
    static let parallelTexts = 4096

    /// `extending` with the tokenising, boosting and hashing done in `chunks` on all cores; columns are then assigned
    /// in text order, one text after another, so the model and rows do not depend on the chunking (tested).
    func extendingInChunks(_ texts: [String], chunks: Int, statistics: TermStatistics? = nil) -> (model: TfidfModel, rows: SparseRows) {
        // Per chunk: each text's term hashes (repeated for counts and boosts) and the hashes it writes as names, and
        // the text of every hash the model does not know yet.
        var hashes = [[[UInt64]]](repeating: [], count: chunks)
        var namedHashes = [[Set<UInt64>]](repeating: [], count: chunks)
        var spelled = [[UInt64: String]](repeating: [:], count: chunks)
        let known = columnOf
        hashes.withUnsafeMutableBufferPointer { hashes in
            namedHashes.withUnsafeMutableBufferPointer { namedHashes in
                spelled.withUnsafeMutableBufferPointer { spelled in
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let first = texts.count * chunk / chunks, last = texts.count * (chunk + 1) / chunks
                        var out: [[UInt64]] = [], named: [Set<UInt64>] = []
                        out.reserveCapacity(last - first)
                        var words: [UInt64: String] = [:]
                        for t in first..<last {
                            var list: [UInt64] = []
                            var nameSet = Set<UInt64>()
                            let names = config.nameBoost > 0 ? Self.nameHashes(texts[t]) : []
                            Self.forEachTerm(texts[t], config: config, stop: stopHashes) { h, term, isName in
                                list.append(h)
                                if known[h] == nil && words[h] == nil { words[h] = term() }
                                if isName(names) { nameSet.insert(h) }
                            }
                            out.append(list)
                            named.append(nameSet)
                        }
                        hashes[chunk] = out
                        namedHashes[chunk] = named
                        spelled[chunk] = words
                    }
                }
            }
        }
        var columnOf = self.columnOf
        var terms = self.terms
        let knownCount = terms.count
        var newDF: [Int] = [], newHashes: [UInt64] = []
        var docs = [[(Int32, Int32)]]()
        var boosted = [Set<Int32>]()
        docs.reserveCapacity(texts.count)
        boosted.reserveCapacity(texts.count)
        var ids: [Int32] = []
        for chunk in 0..<chunks {
            for (list, names) in zip(hashes[chunk], namedHashes[chunk]) {
                ids.removeAll(keepingCapacity: true)
                for h in list {
                    if let column = columnOf[h] {
                        ids.append(column)
                    } else {
                        let c = Int32(terms.count)
                        columnOf[h] = c
                        terms.append(spelled[chunk][h]!)
                        newDF.append(0)
                        newHashes.append(h)
                        ids.append(c)
                    }
                }
                let counts = TfidfModel.countRuns(&ids)
                for (c, _) in counts where Int(c) >= knownCount { newDF[Int(c) - knownCount] += 1 }
                docs.append(counts)
                boosted.append(Set(names.map { columnOf[$0]! }))
            }
            hashes[chunk] = []
        }
        let n = documentCount + texts.count
        // With statistics, the corpus's idf for every term it counted (all of them, when the texts are part of it).
        let newIDF = zip(newHashes, newDF).map { h, df in
            statistics.flatMap { s in s.frequencies[h].map { Self.idf(documents: s.documents, frequency: $0) } }
                ?? Self.idf(documents: n, frequency: df)
        }
        let model = TfidfModel(terms: terms, idf: idf + newIDF,
                               documentCount: documentCount + texts.count, config: config, columnOf: columnOf, stopHashes: stopHashes)
        return (model, model.rows(docs, boosted: boosted))
    }

    /// Smoothed idf of a term found in `frequency` of `documents` documents: ln((1 + n) / (1 + df)) + 1.
    static func idf(documents: Int, frequency: Int) -> Float {
        Float(log((1 + Double(documents)) / (1 + Double(frequency))) + 1)
    }

    /// TF-IDF rows of new texts weighed as a refit on them would, as far as a fixed model can: terms the model never
    /// saw are kept aside (by hash) with the idf of their document frequency among `texts`, and each row is
    /// normalised over both parts, so a text made mostly of new terms (a story that began after the fit) has a
    /// short known part instead of looking like its few known words.
    public func transformKeepingUnseen(_ texts: [String]) -> (rows: SparseRows, unseen: [[(hash: UInt64, weight: Float)]]) {
        var ids: [Int32] = []
        var docs = [[(Int32, Int32)]]()
        var boosted = [Set<Int32>]()
        var unseenCounts = [[(UInt64, Int32, Bool)]]()
        var unseenDF: [UInt64: Int] = [:]
        var counts: [UInt64: (Int32, Bool)] = [:]
        for text in texts {
            ids.removeAll(keepingCapacity: true)
            counts.removeAll(keepingCapacity: true)
            let names = config.nameBoost > 0 ? Self.nameHashes(text) : []
            var named = Set<Int32>()
            Self.forEachTerm(text, config: config, stop: stopHashes) { h, _, isName in
                guard let c = columnOf[h] else {
                    let (n, name) = counts[h] ?? (0, false)
                    counts[h] = (n + 1, name || isName(names))
                    return
                }
                ids.append(c)
                if isName(names) { named.insert(c) }
            }
            docs.append(TfidfModel.countRuns(&ids))
            boosted.append(named)
            unseenCounts.append(counts.map { ($0.key, $0.value.0, $0.value.1) }.sorted { $0.0 < $1.0 })
            for h in counts.keys { unseenDF[h, default: 0] += 1 }
        }
        let n = documentCount + texts.count
        var extra = [Float](repeating: 0, count: texts.count)
        var unseen = unseenCounts.enumerated().map { doc, terms in
            terms.map { h, count, name -> (hash: UInt64, weight: Float) in
                var w = (1 + log(Float(count))) * Self.idf(documents: n, frequency: unseenDF[h]!)
                if config.nameBoost > 0, name { w *= 1 + config.nameBoost }
                extra[doc] += w * w
                return (h, w)
            }
        }
        let rows = rows(docs, boosted: boosted, extraNormSquared: extra)
        for doc in unseen.indices where !unseen[doc].isEmpty {
            var norm = extra[doc]
            for (c, count) in docs[doc] { let w = weight(c, count, boosted: config.nameBoost > 0 && boosted[doc].contains(c)); norm += w * w }
            let inv = 1 / norm.squareRoot()
            for t in unseen[doc].indices { unseen[doc][t].weight *= inv }
        }
        return (rows, unseen)
    }

    /// Each column's term hash (the key `transform` looks terms up by), for storing the model.
    public var termHashes: [UInt64] {
        var out = [UInt64](repeating: 0, count: terms.count)
        for (h, c) in columnOf { out[Int(c)] = h }
        return out
    }

    static func stopHashes(_ config: TfidfConfig) -> Set<UInt64> {
        Set(config.stopWords.map { w in Array(w.utf8).withUnsafeBufferPointer { Hashing.bytes($0) } })
    }

    /// Calls `body` with each term's hash, a builder for its text (only called for new terms) and a test of
    /// whether it is a name: content words, then (with `bigrams`) pairs of consecutive content words.
    static func forEachTerm(_ text: String, config: TfidfConfig, stop: Set<UInt64>,
                            _ body: (UInt64, () -> String, (Set<UInt64>) -> Bool) -> Void) {
        var previous: (hash: UInt64, text: String)?
        // Boosts are extra occurrences: a term written with a capital k times gets k · capitalBoost more counts.
        var capitals = config.capitalBoost > 0 ? capitalCounts(text) : [:]
        TextNormalizer.forEachToken(in: text) { bytes in
            guard bytes.count >= config.minTokenBytes else { previous = nil; return }
            let h = Hashing.bytes(bytes)
            guard !stop.contains(h) else { previous = nil; return }
            body(h, { String(decoding: bytes, as: UTF8.self) }, { $0.contains(h) })
            var extra = 0
            if config.numberBoost > 0, bytes[0] >= 0x30 && bytes[0] <= 0x39 { extra += config.numberBoost }
            if config.capitalBoost > 0, let k = capitals[h], k > 0 { capitals[h] = k - 1; extra += config.capitalBoost }
            for _ in 0..<extra { body(h, { String(decoding: bytes, as: UTF8.self) }, { $0.contains(h) }) }
            guard config.bigrams else { return }
            let word = String(decoding: bytes, as: UTF8.self)
            if let p = previous {
                body(Hashing.mix(Hashing.combine(p.hash, h) ^ 0xB16A), { p.text + " " + word }, { _ in false })
            }
            previous = (h, word)
        }
    }

    /// How often each folded token is written with a capital first letter (the first token of a word that starts
    /// with an upper-case letter, sentence starts included).
    static func capitalCounts(_ text: String) -> [UInt64: Int] {
        var out: [UInt64: Int] = [:]
        var text = text
        text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
                scratch.initialize(repeating: 0)
                var i = 0
                let n = bytes.count
                var previousIsWordByte = false
                while i < n {
                    let b = bytes[i]
                    let wordByte = b >= 0x80 || (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
                    // A word starting with an ASCII capital: its first token, folded as the tokenizer folds it.
                    if wordByte && !previousIsWordByte && b >= 0x41 && b <= 0x5A {
                        var end = i
                        while end < n, bytes[end] != 0x20, bytes[end] != 0x0A, bytes[end] != 0x09 { end += 1 }
                        var scanner = TokenScanner(scratch: scratch)
                        var first = true
                        scanner.scan(UnsafeBufferPointer(rebasing: bytes[i..<end])) { token in
                            if first { out[Hashing.bytes(token), default: 0] += 1; first = false }
                        }
                        i = end
                        previousIsWordByte = false
                        continue
                    }
                    // An apostrophe or hyphen inside a word does not start a new one ('s-Hertogenbosch, Noord-Holland).
                    previousIsWordByte = wordByte || (previousIsWordByte && (b == 0x27 || b == 0x2D))
                    i += 1
                }
            }
        }
        return out
    }

    /// Hashes of the folded tokens of words that start with a capital inside a sentence (not after `.!?:` or at the
    /// start of a line), i.e. names; title-case headlines are skipped as a whole.
    static func nameHashes(_ text: String) -> Set<UInt64> {
        var out = Set<UInt64>()
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(separator: " ")
            let capitalised = words.filter { $0.first?.isUppercase == true }.count
            if words.count > 2 && capitalised * 10 >= words.count * 6 { continue }  // a Title Case Headline
            var sentenceStart = true
            for w in words {
                if !sentenceStart, w.first?.isUppercase == true {
                    TextNormalizer.forEachToken(in: w) { out.insert(Hashing.bytes($0)) }
                }
                sentenceStart = w.last.map { ".!?:".contains($0) } ?? false
            }
        }
        return out
    }

    static func countRuns(_ ids: inout [Int32]) -> [(Int32, Int32)] {
        ids.sort()
        var out: [(Int32, Int32)] = []
        var i = 0
        while i < ids.count {
            var j = i + 1
            while j < ids.count && ids[j] == ids[i] { j += 1 }
            out.append((ids[i], Int32(j - i)))
            i = j
        }
        return out
    }

    /// A term's weight in a document: sublinear tf times idf, times the name boost.
    @inline(__always)
    func weight(_ c: Int32, _ count: Int32, boosted: Bool) -> Float {
        var w = (1 + log(Float(count))) * idf[Int(c)]
        if config.nameBoost > 0, boosted { w *= 1 + config.nameBoost }
        return w
    }

    /// Rows of weighted counts, each normalised to unit length (counting `extraNormSquared`, weight kept elsewhere).
    func rows(_ docs: [[(Int32, Int32)]], boosted: [Set<Int32>], extraNormSquared: [Float]? = nil) -> SparseRows {
        var rowStart = [0]
        rowStart.reserveCapacity(docs.count + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        for (doc, d) in docs.enumerated() {
            let start = values.count
            var norm: Float = extraNormSquared?[doc] ?? 0
            for (c, count) in d {
                let w = weight(c, count, boosted: config.nameBoost > 0 && boosted[doc].contains(c))
                columns.append(c)
                values.append(w)
                norm += w * w
            }
            if norm > 0 {
                let inv = 1 / norm.squareRoot()
                for k in start..<values.count { values[k] *= inv }
            }
            rowStart.append(values.count)
        }
        return SparseRows(columnCount: terms.count, rowStart: rowStart, columns: columns, values: values)
    }
}

extension TfidfModel {
    /// A model read back from storage: the columns' terms, hashes and idf, fitted on `documentCount` texts.
    public init(terms: [String], hashes: [UInt64], idf: [Float], documentCount: Int, config: TfidfConfig) {
        precondition(terms.count == hashes.count && terms.count == idf.count, "one term, hash and idf per column")
        var columnOf: [UInt64: Int32] = [:]
        columnOf.reserveCapacity(hashes.count)
        for (c, h) in hashes.enumerated() { columnOf[h] = Int32(c) }
        self.init(terms: terms, idf: idf, documentCount: documentCount, config: config, columnOf: columnOf,
                  stopHashes: Self.stopHashes(config))
    }
}
