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
}

/// TF-IDF settings.
public struct TfidfConfig: Hashable, Sendable {
    /// Tokens dropped before counting.
    public var stopWords: Set<String> = StopWords.all
    /// Tokens shorter than this many bytes are dropped (single letters and digits carry no story).
    public var minTokenBytes = 2
    /// The default settings.
    public init() {}
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

    /// Fits the model on `texts` and returns it with their TF-IDF rows.
    /// - Complexity: O(total tokens · log(tokens per text)).
    public static func fit(_ texts: [String], config: TfidfConfig = TfidfConfig()) -> (model: TfidfModel, rows: SparseRows) {
        let stop = Set(config.stopWords.map { w in Array(w.utf8).withUnsafeBufferPointer { Hashing.bytes($0) } })
        var columnOf: [UInt64: Int32] = [:]
        var terms: [String] = []
        var df: [Int] = []
        var docs = [[(Int32, Int32)]]()
        docs.reserveCapacity(texts.count)
        var ids: [Int32] = []
        for text in texts {
            ids.removeAll(keepingCapacity: true)
            TextNormalizer.forEachToken(in: text) { bytes in
                guard bytes.count >= config.minTokenBytes else { return }
                let h = Hashing.bytes(bytes)
                guard !stop.contains(h) else { return }
                if let c = columnOf[h] { ids.append(c); return }
                let c = Int32(terms.count)
                columnOf[h] = c
                terms.append(String(decoding: bytes, as: UTF8.self))
                df.append(0)
                ids.append(c)
            }
            let counts = TfidfModel.countRuns(&ids)
            for (c, _) in counts { df[Int(c)] += 1 }
            docs.append(counts)
        }
        let n = Double(texts.count)
        let idf = df.map { Float(log((1 + n) / (1 + Double($0))) + 1) }
        let model = TfidfModel(terms: terms, idf: idf, documentCount: texts.count, config: config, columnOf: columnOf, stopHashes: stop)
        return (model, model.rows(docs))
    }

    /// TF-IDF rows of new texts under this model (terms it never saw are dropped).
    public func transform(_ texts: [String]) -> SparseRows {
        var ids: [Int32] = []
        var docs = [[(Int32, Int32)]]()
        docs.reserveCapacity(texts.count)
        for text in texts {
            ids.removeAll(keepingCapacity: true)
            TextNormalizer.forEachToken(in: text) { bytes in
                guard bytes.count >= config.minTokenBytes else { return }
                let h = Hashing.bytes(bytes)
                if !stopHashes.contains(h), let c = columnOf[h] { ids.append(c) }
            }
            docs.append(TfidfModel.countRuns(&ids))
        }
        return rows(docs)
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

    func rows(_ docs: [[(Int32, Int32)]]) -> SparseRows {
        var rowStart = [0]
        rowStart.reserveCapacity(docs.count + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        for d in docs {
            let start = values.count
            var norm: Float = 0
            for (c, count) in d {
                let w = (1 + log(Float(count))) * idf[Int(c)]
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
