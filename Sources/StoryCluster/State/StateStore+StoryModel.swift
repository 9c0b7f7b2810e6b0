import Foundation
import GRDB
import LinearAlgebra

/// Storage of the `StoryModel` and the stories' `StoryVector`s (schema v3). Floats and hashes are stored as their
/// little-endian bytes, as signatures are.
extension StateStore {
    /// The stored model if there is one fitted under `config`'s settings that admits `adding` more canonical briefs
    /// (`StoryModel.admits`). Its small row is checked before the vocabulary and basis (79 MB at 1M briefs) are read.
    public func storyModel(config: StoryConfig, admitting adding: Int) throws -> StoryModel? {
        try db.read { db -> StoryModel? in
            guard let meta = try Row.fetchOne(db, sql: "SELECT settings, fitted, folded FROM story_model WHERE id = 1"),
                  StoryModel.admits(settingsKey: meta[0], fitted: meta[1], folded: meta[2], adding: adding, config: config),
                  let row = try Row.fetchOne(db, sql: """
                      SELECT *, (\(Self.sealedModel.check("m")) AND \(Self.sealedBasis.check("b"))) AS sealed
                      FROM story_model m JOIN story_basis b USING (id) WHERE id = 1
                      """) else { return nil }
            try Self.requireSealed(row, "the stored story model")
            let termData: Data = row["terms"]
            let terms = termData.isEmpty ? [] : String(decoding: termData, as: UTF8.self).split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            let hashes: [UInt64] = Self.array(row["hashes"])
            let idf: [Float] = Self.array(row["idf"])
            var basis: [Float] = []
            let blocks = try Row.fetchCursor(db, sql: "SELECT first_term, rows, \(Self.sealedBasisRows.check()) AS sealed FROM story_basis_rows ORDER BY first_term")
            let d: Int = row["dimensions"]
            while let block = try blocks.next() {
                guard (block[0] as Int) * d == basis.count else { throw StateStore.damaged(path, "the stored story model's basis has a gap") }
                try Self.requireSealed(block, "the stored story model's basis")
                basis += Self.array(block[1]) as [Float]
            }
            guard terms.count == hashes.count, terms.count == idf.count, basis.count == terms.count * d else {
                throw StateStore.damaged(path, "the stored story model's arrays disagree in length")
            }
            let model = TfidfModel(terms: terms, hashes: hashes, idf: idf, documentCount: row["documents"], config: config.tfidfConfig)
            return StoryModel(tfidf: model, basis: Matrix(rows: terms.count, columns: d, values: basis), settingsKey: row["settings"],
                              fitted: row["fitted"], folded: row["folded"])
        }
    }

    /// The vectors of the stories whose canonical briefs span times overlapping [from, to] (seconds), by story id.
    public func storyVectors(from: Double, to: Double) throws -> [(String, StoryVector)] {
        try db.read { db in
            var out: [(String, StoryVector)] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT story, \(Self.vectorColumns), \(Self.sealedVectors.check()) AS sealed FROM story_vectors
                WHERE last >= ? AND first <= ? ORDER BY story
                """, arguments: [from, to])
            while let row = try rows.next() {
                try Self.requireSealed(row, "the stored vector of story \(row[0] as String? ?? "?")")
                out.append((row[0], Self.storyVector(row, from: 1)))
            }
            return out
        }
    }

    /// One story's stored vector, if it has one.
    static func storyVector(_ id: String, _ db: Database) throws -> StoryVector? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(vectorColumns), \(sealedVectors.check()) AS sealed FROM story_vectors WHERE story = ?",
                                         arguments: [id]) else { return nil }
        try requireSealed(row, "the stored vector of story \(id)")
        return storyVector(row, from: 0)
    }

    /// The `story_vectors` columns `storyVector(_:from:)` decodes, in its order.
    static let vectorColumns = "size, time_sum, time_count, first, last, sum"

    /// A story vector from a row holding `vectorColumns` from column `c` on.
    static func storyVector(_ row: Row, from c: Int) -> StoryVector {
        StoryVector(sum: array(row[c + 5]), size: row[c], timeSum: row[c + 1], timeCount: row[c + 2], first: row[c + 3], last: row[c + 4])
    }

    /// Replaces the stored model and every story vector (a full clustering).
    static func writeStoryModel(_ model: StoryModel, stories: [Story], _ db: Database) throws {
        try dropStoryModel(db)
        let terms = Data(model.tfidf.terms.joined(separator: "\u{0}").utf8)
        try db.execute(sql: """
            INSERT INTO story_model (id, settings, fitted, folded, documents, dimensions) VALUES (1, ?, ?, ?, ?, ?)
            """, arguments: [model.settingsKey, model.fitted, model.folded, model.tfidf.documentCount, model.basis.columns])
        try db.execute(sql: "INSERT INTO story_basis (id, terms, hashes, idf) VALUES (1, ?, ?, ?)",
                       arguments: [terms, data(model.tfidf.termHashes), data(model.tfidf.idf)])
        let d = model.basis.columns, block = basisBlockTerms
        for first in stride(from: 0, to: model.basis.rows, by: block) {
            let rows = Array(model.basis.values[(first * d)..<(min(model.basis.rows, first + block) * d)])
            try db.execute(sql: "INSERT INTO story_basis_rows (first_term, rows) VALUES (?, ?)", arguments: [first, data(rows)])
        }
        for sealed in [sealedModel, sealedBasis, sealedBasisRows] { try reseal(sealed, where: "1", db) }
        for s in stories { if let v = s.vector { try upsertStoryVector(s.id, v, db) } }
    }

    /// Terms per stored block of the basis (13 MB at d = 400).
    static let basisBlockTerms = 8192

    /// Moves the sums of stories absorbed into another, (old, into), into that story's, as the briefs went.
    static func absorbStoryVectors(_ absorbed: [(String, String)], _ db: Database) throws {
        for (old, into) in absorbed {
            guard let gone = try storyVector(old, db) else { continue }
            var v = try storyVector(into, db) ?? .empty(gone.sum.count)
            v.absorb(gone)
            try upsertStoryVector(into, v, db)
            try db.execute(sql: "DELETE FROM story_vectors WHERE story = ?", arguments: [old])
        }
    }

    /// Forgets the model (a run placed briefs without it, so the stories' sums no longer cover their members).
    static func dropStoryModel(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM story_model")
        try db.execute(sql: "DELETE FROM story_basis")
        try db.execute(sql: "DELETE FROM story_basis_rows")
        try db.execute(sql: "DELETE FROM story_vectors")
    }

    /// Writes one story's vector.
    static func upsertStoryVector(_ id: String, _ v: StoryVector, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO story_vectors (story, size, time_sum, time_count, first, last, sum) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [id, v.size, v.timeSum, v.timeCount, v.first, v.last, data(v.sum)])
        try reseal(sealedVectors, where: "story = ?", arguments: [id], db)
    }

    /// An array's bytes as stored (signatures, band keys, the model's arrays).
    static func data<T>(_ values: [T]) -> Data { values.withUnsafeBytes { Data($0) } }

    /// An array back from its stored bytes.
    static func array<T: BitwiseCopyable>(_ data: Data) -> [T] {
        let n = data.count / MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: n) { buffer, count in
            data.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(n * MemoryLayout<T>.stride)]))
            }
            count = n
        }
    }
}
