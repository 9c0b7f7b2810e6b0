import Foundation
import GRDB

/// Row seals (schema v6): a 64-bit hash of the columns a run relies on, kept in a `seal` column beside them, for the
/// tables brief checksums do not cover — story rows (ids, sizes, threads, whether current), each brief's place
/// (canonical brief, similarity, story) and the latent story model. SQLite reads a flipped byte in a value without
/// complaint; a seal turns it into damage (exit 5, the file untouched) instead of a different answer.
///
/// Seals are computed in SQL by `sc_seal(…)`, a function every connection of a `StateStore` registers, so a write
/// reseals with one statement (`reseal`) and a read checks with one expression (`sealCheck`).
extension StateStore {
    /// A sealed table: its name, the seal column and the columns the seal covers.
    struct Sealed: Sendable {
        let table: String
        let seal: String
        let columns: [String]

        /// `seal IS sc_seal(columns)`, columns prefixed by `alias` if given: true when the row is intact.
        func check(_ alias: String? = nil) -> String {
            let p = alias.map { $0 + "." } ?? ""
            return "(\(p)\(seal) IS sc_seal(\(columns.map { p + $0 }.joined(separator: ", "))))"
        }
    }

    static let sealedStories = Sealed(table: "stories", seal: "seal", columns: [
        "id", "label", "first_published", "last_published", "size", "created_run", "updated_run", "merged_into", "split_from",
        "active", "thread"])
    static let sealedPlacement = Sealed(table: "briefs", seal: "place_seal", columns: ["id", "canonical", "similarity", "story"])
    static let sealedVectors = Sealed(table: "story_vectors", seal: "seal", columns: [
        "story", "size", "time_sum", "time_count", "first", "last", "sum"])
    static let sealedModel = Sealed(table: "story_model", seal: "seal", columns: ["id", "settings", "fitted", "folded", "documents", "dimensions"])
    static let sealedBasis = Sealed(table: "story_basis", seal: "seal", columns: ["id", "terms", "hashes", "idf"])
    static let sealedBasisRows = Sealed(table: "story_basis_rows", seal: "seal", columns: ["first_term", "rows"])
    static let sealedTables = [sealedStories, sealedPlacement, sealedVectors, sealedModel, sealedBasis, sealedBasisRows]

    /// The SQL function `sc_seal(v1, v2, …)`: a hash of the values, each tagged with its kind and length so that no
    /// two rows serialise alike. An integral REAL hashes as the INTEGER it equals (column affinity may store either).
    static let sealFunction = DatabaseFunction("sc_seal", argumentCount: nil, pure: true) { values -> Int64 in
        var bytes: [UInt8] = []
        func append(_ tag: UInt8, _ payload: some Collection<UInt8>) {
            bytes.append(tag)
            withUnsafeBytes(of: UInt64(payload.count).littleEndian) { bytes += $0 }
            bytes += payload
        }
        for v in values {
            switch v.storage {
            case .null: bytes.append(0)
            case .int64(let i): withUnsafeBytes(of: i.littleEndian) { append(1, $0) }
            case .double(let d):
                if d == d.rounded(), abs(d) < 9.0e15 {
                    withUnsafeBytes(of: Int64(d).littleEndian) { append(1, $0) }
                } else {
                    withUnsafeBytes(of: d.bitPattern.littleEndian) { append(2, $0) }
                }
            case .string(let s): append(3, Array(s.utf8))
            case .blob(let data): append(4, data)
            }
        }
        return Int64(bitPattern: bytes.withUnsafeBufferPointer { Hashing.bytes($0) })
    }

    /// Recomputes the seal of `sealed`'s rows matching `clause` (after a write).
    static func reseal(_ sealed: Sealed, where clause: String, arguments: StatementArguments = [], _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE \(sealed.table) SET \(sealed.seal) = sc_seal(\(sealed.columns.joined(separator: ", "))) WHERE \(clause)")
            .execute(arguments: arguments)
    }

    /// Throws the damage error unless the row's `sealed` column (a `Sealed.check()` selected as `sealed`) is true.
    static func requireSealed(_ row: Row, _ what: @autoclosure () -> String) throws {
        guard row["sealed"] as Bool? == true else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "\(what()) does not match its seal")
        }
    }

    /// The first sealed row of `sealed` that does not match its seal, if any (a whole-table check).
    static func brokenSeal(_ sealed: Sealed, _ db: Database) throws -> String? {
        guard try db.tableExists(sealed.table), try db.columns(in: sealed.table).contains(where: { $0.name == sealed.seal }) else { return nil }
        let key = sealed.columns[0]
        return try String.fetchOne(db, sql: "SELECT CAST(\(key) AS TEXT) FROM \(sealed.table) WHERE NOT \(sealed.check()) LIMIT 1")
            .map { "\(sealed.table) row \($0) does not match its seal" }
    }
}
