import Foundation
import GRDB

/// The nightly state in SQLite (through GRDB): every brief read with its file, content hash, times, MinHash
/// signature and band keys (also indexed by key), its duplicate group and story; the stories with their history;
/// and one row per run with the history's totals. A run reads it at the start and commits everything in one
/// transaction at the end, so `kill -9` at any moment leaves the previous state intact.
///
/// A full clustering (first run, `--rebuild`) also stores its `StoryModel`: the TF-IDF model, the SVD basis and each
/// story's vector sums, with which append-only nights place new briefs without refitting (see `AppendRun`).
public final class StateStore {
    /// `PRAGMA application_id` of a storycluster state ("SCLS").
    public static let applicationID: Int32 = 0x5343_4C53
    /// Schema version this build writes (`PRAGMA user_version`).
    public static let schemaVersion = 6

    /// The state file.
    public let path: String
    /// The first damage `storedFile` met (a brief whose checksum does not match); a run stops on it after reading.
    public var damage: String? { damageLock.lock(); defer { damageLock.unlock() }; return foundDamage }
    private var foundDamage: String?
    private let damageLock = NSLock()
    let db: DatabaseQueue
    let lockFD: Int32
    var files: [String: (size: Int, modified: Double, hash: String)] = [:]

    /// Opens (or creates) the state at `path`, taking an exclusive lock on `path.lock` for the life of the object.
    /// - Throws: `StoryClusterError` if another run holds the lock, or the file is not a storycluster state, is from a
    ///   newer schema, or is damaged.
    /// `fullCheckBytes`: states up to this size get a full `PRAGMA integrity_check` on open (see `checkAndMigrate`).
    public init(path: String, fullCheckBytes: Int = StateStore.fullCheckBytes) throws {
        self.path = path
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoryClusterError("\(lockPath): cannot open lock file: \(String(cString: strerror(errno)))", status: .badState) }
        // A few short retries: a process spawned by this one (or by its host application) holds a copy of the
        // descriptor from fork until exec closes it, a window of microseconds in which the lock looks taken.
        var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        var attempts = 0
        while !locked && errno == EWOULDBLOCK && attempts < 20 {
            attempts += 1
            usleep(10_000)
            locked = flock(fd, LOCK_EX | LOCK_NB) == 0
        }
        if !locked {
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &holder, 31, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw StoryClusterError("\(path): another storycluster run is using this state (pid \(pid)); try again when it has finished", status: .locked)
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        lockFD = fd
        do {
            try Self.checkHeader(path)
            var config = Configuration()
            config.busyMode = .timeout(5)
            // A night's inserts land all over the band index (17 keys per brief, random): with SQLite's default 2 MB
            // page cache each one re-reads its B-tree path from the OS.
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA cache_size = -131072")
                db.add(function: StateStore.sealFunction)
            }
            db = try DatabaseQueue(path: path, configuration: config)
            try Self.checkAndMigrate(db, path: path, fullCheckBytes: fullCheckBytes)
            try db.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT path, size, modified, hash FROM files") {
                    files[row["path"]] = (row["size"], row["modified"], row["hash"])
                }
            }
        } catch let e as StoryClusterError {
            close(fd)
            throw e
        } catch {
            close(fd)
            throw StoryClusterError("\(path): cannot open state: \(error)", status: .badState)
        }
    }

    deinit { close(lockFD) }

    /// States up to this size get a full `PRAGMA integrity_check` on open by default.
    public static let fullCheckBytes = 256 << 20

    /// The error for a state SQLite found damaged (on open or in the middle of a run).
    public static func damaged(_ path: String, _ detail: String) -> StoryClusterError {
        StoryClusterError("\(path): the state database is damaged (\(detail)); restore it from a backup or run with a new --state", status: .badState)
    }

    /// Rejects files that are not SQLite at all before SQLite gets to touch them.
    static func checkHeader(_ path: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else { return }  // does not exist yet: created below
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw StoryClusterError("\(path): not a storycluster state (\((st.st_mode & S_IFMT) == S_IFDIR ? "a folder" : "not a regular file")); refusing to use it", status: .badState)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoryClusterError("\(path): cannot read state: \(String(cString: strerror(errno)))", status: .badState) }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 16)
        let n = read(fd, &head, 16)
        if n == 0 { return }
        guard n == 16, head == Array("SQLite format 3\u{0}".utf8) else {
            throw StoryClusterError("\(path): not a storycluster state (not an SQLite database); refusing to overwrite it", status: .badState)
        }
    }

    static func checkAndMigrate(_ db: DatabaseQueue, path: String, fullCheckBytes: Int) throws {
        // A full check reads every page: 3 s on a 1.8 GB state, more than a whole append-only night. Above
        // `fullCheckBytes` only the small tables are checked on open; SQLite still detects a damaged page of the big
        // ones when a run reads it, and that error is reported as a damaged state too (`StateStore.damaged`).
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let (app, version, tables, check) = try db.read { db -> (Int32, Int, Int, String) in
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            var check = "ok"
            if size <= fullCheckBytes {
                // integrity_check, not quick_check: only it compares each index with its table, and a flipped byte
                // in `briefs_by_source` made a rerun read another file's briefs without any other sign (fault sweep).
                // It costs 0.9-1.8 s instead of 0.5-0.9 s on a 180-250 MB state, warm.
                check = try String.fetchOne(db, sql: "PRAGMA integrity_check(1)") ?? "?"
            } else {
                let small = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('files', 'stories', 'runs', 'skipped')")
                for table in small where check == "ok" { check = try String.fetchOne(db, sql: "PRAGMA quick_check(\(table))") ?? "?" }
            }
            return (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0, try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0, tables, check)
        }
        guard check == "ok" else { throw damaged(path, check) }
        if tables > 0 && app != applicationID {
            throw StoryClusterError("\(path): an SQLite database that is not a storycluster state; refusing to overwrite it", status: .badState)
        }
        if version > schemaVersion {
            throw StoryClusterError("\(path): written by a newer storycluster (schema \(version), this build knows \(schemaVersion)); upgrade storycluster", status: .badState)
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, modified REAL NOT NULL, hash TEXT NOT NULL,
                                    run_id INTEGER NOT NULL);
                CREATE TABLE briefs (id TEXT PRIMARY KEY, source TEXT NOT NULL, position INTEGER NOT NULL, line INTEGER NOT NULL,
                                     title TEXT, dateline TEXT, agencies TEXT NOT NULL, age_minutes INTEGER, published REAL,
                                     lang TEXT NOT NULL, text TEXT NOT NULL, outlet TEXT, url TEXT, first_run INTEGER NOT NULL,
                                     signature BLOB, band_keys BLOB, canonical TEXT, similarity REAL, story TEXT);
                CREATE INDEX briefs_by_source ON briefs(source, position);
                CREATE TABLE skipped (source TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL, recovered INTEGER NOT NULL);
                CREATE INDEX skipped_by_source ON skipped(source);
                CREATE TABLE stories (id TEXT PRIMARY KEY, label TEXT NOT NULL, first_published REAL, last_published REAL,
                                      size INTEGER NOT NULL, created_run INTEGER NOT NULL, updated_run INTEGER NOT NULL,
                                      merged_into TEXT, split_from TEXT, active INTEGER NOT NULL);
                CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
                CREATE TABLE runs (run_id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT NOT NULL, corpus TEXT NOT NULL,
                                   files_parsed INTEGER NOT NULL, files_reused INTEGER NOT NULL, briefs INTEGER NOT NULL,
                                   briefs_new INTEGER NOT NULL, stories INTEGER NOT NULL);
                """)
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        // v2: what the append-only nightly path reads instead of the whole history — stored band keys by key (new
        // briefs find their duplicate candidates by lookup), briefs by story and canonical briefs by time (only the
        // window and the touched stories are loaded), and the history's totals and dedup settings per run.
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                CREATE TABLE band_index (key INTEGER NOT NULL, brief INTEGER NOT NULL, PRIMARY KEY (key, brief)) WITHOUT ROWID;
                CREATE INDEX briefs_by_story ON briefs(story);
                CREATE INDEX briefs_canonical_by_time ON briefs(published) WHERE canonical = id;
                DROP TABLE terms;
                ALTER TABLE runs ADD COLUMN duplicates_removed INTEGER;
                ALTER TABLE runs ADD COLUMN duplicate_groups INTEGER;
                ALTER TABLE runs ADD COLUMN dedup_settings TEXT;
                ALTER TABLE runs ADD COLUMN brief_rowid_max INTEGER;
                """)
            try rebuildBandIndex(db, recentSegment: false)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        // v3: the story model a full clustering leaves for nightly runs (`StoryModel`; `StateStore+StoryModel`). Its
        // arrays (tens of MB) have their own tables: a night updates `folded`, and SQLite rewrites a whole row; the
        // basis (V×d floats) goes in blocks of terms, as a big vocabulary would pass SQLite's 1 GB value limit. And the
        // band index's recent segment (`band_recent`, see `insertBands`).
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE story_model (id INTEGER PRIMARY KEY CHECK (id = 1), settings TEXT NOT NULL, fitted INTEGER NOT NULL,
                                          folded INTEGER NOT NULL, documents INTEGER NOT NULL, dimensions INTEGER NOT NULL);
                CREATE TABLE story_basis (id INTEGER PRIMARY KEY CHECK (id = 1), terms BLOB NOT NULL, hashes BLOB NOT NULL,
                                          idf BLOB NOT NULL);
                CREATE TABLE story_basis_rows (first_term INTEGER PRIMARY KEY, rows BLOB NOT NULL);
                CREATE TABLE story_vectors (story TEXT PRIMARY KEY, size INTEGER NOT NULL, time_sum REAL NOT NULL,
                                            time_count REAL NOT NULL, first REAL, last REAL, sum BLOB NOT NULL);
                CREATE INDEX story_vectors_by_last ON story_vectors(last);
                CREATE TABLE band_recent (key INTEGER NOT NULL, brief INTEGER NOT NULL, PRIMARY KEY (key, brief)) WITHOUT ROWID;
                """)
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        // v4: a checksum of each brief's stored content, verified wherever a brief is loaded: a flipped byte that
        // SQLite reads without complaint (an id that became `businers/…`) is damage, not a different answer.
        migrator.registerMigration("v4") { db in
            let columns = try db.columns(in: "briefs").map(\.name)
            if !columns.contains("checksum") { try db.execute(sql: "ALTER TABLE briefs ADD COLUMN checksum INTEGER") }
            if !columns.contains("keys_checksum") { try db.execute(sql: "ALTER TABLE briefs ADD COLUMN keys_checksum INTEGER") }
            try db.execute(sql: "UPDATE briefs SET keys_checksum = NULL")
            let keyRows = try Row.fetchAll(db, sql: "SELECT rowid, band_keys FROM briefs WHERE band_keys IS NOT NULL")
            let setKeys = try db.makeStatement(sql: "UPDATE briefs SET keys_checksum = ? WHERE rowid = ?")
            for row in keyRows { try setKeys.execute(arguments: [keysChecksum(row[1]), row[0] as Int64]) }
            let rows = try Row.fetchAll(db, sql: "SELECT rowid, \(briefColumns) FROM briefs WHERE checksum IS NULL")
            let update = try db.makeStatement(sql: "UPDATE briefs SET checksum = ? WHERE rowid = ?")
            for row in rows {
                let b = try brief(row, verify: false)
                try update.execute(arguments: [checksum(of: b), row["rowid"] as Int64])
            }
            try db.execute(sql: "PRAGMA user_version = 4")
        }
        // v5: the thread each story belongs to, so nights keep thread ids and attach new events to stored threads.
        migrator.registerMigration("v5") { db in
            if !(try db.columns(in: "stories").contains { $0.name == "thread" }) {
                try db.execute(sql: "ALTER TABLE stories ADD COLUMN thread TEXT")
            }
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS stories_thread ON stories(thread)")
            try db.execute(sql: "PRAGMA user_version = 5")
        }
        // v6: row seals (`StateStore+Seals`) for story rows, each brief's place and the latent story model, computed
        // for the rows already there.
        migrator.registerMigration("v6") { db in
            for sealed in sealedTables {
                if !(try db.columns(in: sealed.table).contains { $0.name == sealed.seal }) {
                    try db.execute(sql: "ALTER TABLE \(sealed.table) ADD COLUMN \(sealed.seal) INTEGER")
                }
                try reseal(sealed, where: "1", db)
            }
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        try migrator.migrate(db)
        if let problem = try db.read(consistencyProblem) { throw damaged(path, problem) }
        // Small states get every seal checked on open, as they get a full quick_check, except briefs' places, which
        // are checked where they are read (checking all of them doubled an unchanged rerun at 100k briefs).
        if size <= fullCheckBytes {
            for sealed in sealedTables where sealed.table != sealedPlacement.table {
                if let problem = try db.read({ try brokenSeal(sealed, $0) }) { throw damaged(path, problem) }
            }
        }
    }

    /// What the state's own records contradict, if anything: the number of briefs against what the last run
    /// recorded (a lost or added row), and keys that must never be NULL (SQLite lets a TEXT PRIMARY KEY hold one).
    /// Cheap: counts over indexes, no table scan of text.
    static func consistencyProblem(_ db: Database) throws -> String? {
        guard try db.tableExists("runs"), try db.tableExists("briefs") else { return nil }
        if try db.columns(in: "runs").contains(where: { $0.name == "dedup_settings" }),
           let recorded = try Int.fetchOne(db, sql: "SELECT briefs FROM runs WHERE dedup_settings IS NOT NULL ORDER BY run_id DESC LIMIT 1") {
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM briefs") ?? 0
            if held != recorded { return "it holds \(held) briefs where the last run recorded \(recorded)" }
        }
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM briefs WHERE id IS NULL") ?? 0 > 0 { return "a brief without an id" }
        if try Int.fetchOne(db, sql: "SELECT count(*) FROM stories WHERE id IS NULL OR label IS NULL") ?? 0 > 0 { return "a story without an id" }
        if try db.columns(in: "runs").contains(where: { $0.name == "dedup_settings" }),
           let recorded = try Int.fetchOne(db, sql: "SELECT stories FROM runs WHERE dedup_settings IS NOT NULL ORDER BY run_id DESC LIMIT 1") {
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM stories WHERE active = 1") ?? 0
            if held != recorded { return "it holds \(held) current stories where the last run recorded \(recorded)" }
        }
        return nil
    }

    /// Refills `band_index` from every brief's stored band keys (migration, and a self-repair if rowids moved), with
    /// the recent segment emptied (`recentSegment`: whether the schema has it yet).
    static func rebuildBandIndex(_ db: Database, recentSegment: Bool = true) throws {
        try db.execute(sql: "DELETE FROM band_index")
        if recentSegment { try db.execute(sql: "DELETE FROM band_recent") }
        var pairs = try storedBandPairs(db, where: "1", arguments: [])
        try insertBands(&pairs, db)
    }

    /// The (key, brief rowid) pairs the stored band keys of the briefs a `WHERE` clause selects give the index.
    static func storedBandPairs(_ db: Database, where clause: String, arguments: StatementArguments) throws -> [(Int64, Int64)] {
        var pairs: [(Int64, Int64)] = []
        // Migrations before v4 rebuild the index from a table without the checksum column.
        let checked = try db.columns(in: "briefs").contains { $0.name == "keys_checksum" }
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, band_keys\(checked ? ", keys_checksum" : "") FROM briefs WHERE band_keys IS NOT NULL AND \(clause)",
                                       arguments: arguments)
        while let row = try rows.next() {
            let rowid: Int64 = row[0]
            for key in try verifiedBandKeys(row, rowid: rowid) { pairs.append((key, rowid)) }
        }
        return pairs
    }

    /// Finds stored briefs by band key in both segments of the band index.
    static let bandLookup = "SELECT brief FROM band_index WHERE key = ?1 UNION ALL SELECT brief FROM band_recent WHERE key = ?1"

    /// Recent-segment entries past which an append night merges the segment into the main index.
    static let recentBandLimit = 1_000_000

    /// Inserts (key, brief rowid) pairs in key order: sorted inserts touch each B-tree page once, random ones thrash
    /// SQLite's page cache (millions of entries on a first run).
    /// Rows go in 256 at a time: one statement per pair spent most of a first run's commit in per-statement work.
    ///
    /// `recent`: into the recent segment, as append nights do. A night's 170k keys (10k briefs) land on most leaf
    /// pages of a 1M-brief index (17M entries), and inserting them there was 0.9 s plus 0.4 s of journal at the
    /// commit; into a small table it is a fraction. The segment is merged into the main index by full runs and
    /// when it passes `recentBandLimit` entries (`mergeRecentBands`).
    static func insertBands(_ pairs: inout [(Int64, Int64)], recent: Bool = false, _ db: Database) throws {
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let batch = 256
        let table = recent ? "band_recent" : "band_index"
        func statement(_ rows: Int) throws -> Statement {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO \(table) (key, brief) VALUES "
                                   + Array(repeating: "(?, ?)", count: rows).joined(separator: ", "))
        }
        var start = 0
        while start < pairs.count {
            let end = min(pairs.count, start + batch)
            var values: [DatabaseValueConvertible?] = []
            values.reserveCapacity(2 * (end - start))
            for (key, brief) in pairs[start..<end] { values.append(key); values.append(brief) }
            try statement(end - start).execute(arguments: StatementArguments(values))
            start = end
        }
    }

    /// Deletes the band-index entries of the briefs a `WHERE` clause selects (before they are rewritten or removed).
    static func removeBands(_ db: Database, where clause: String, arguments: StatementArguments) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM band_index WHERE key = ? AND brief = ?")
        let deleteRecent = try db.cachedStatement(sql: "DELETE FROM band_recent WHERE key = ? AND brief = ?")
        for (key, rowid) in try storedBandPairs(db, where: clause, arguments: arguments) {
            try delete.execute(arguments: [key, rowid])
            try deleteRecent.execute(arguments: [key, rowid])
        }
    }

    /// Moves the recent segment's entries into the main band index (in key order), when `force` or past the limit.
    static func mergeRecentBands(force: Bool, _ db: Database) throws {
        if !force, try Int.fetchOne(db, sql: "SELECT count(*) FROM band_recent")! <= recentBandLimit { return }
        try db.execute(sql: "INSERT OR IGNORE INTO band_index (key, brief) SELECT key, brief FROM band_recent ORDER BY key, brief")
        try db.execute(sql: "DELETE FROM band_recent")
    }

    /// Rebuilds the band index when the briefs' rowids moved since the last commit (`VACUUM` may renumber them; the
    /// index refers to briefs by rowid). The largest rowid is recorded with every run: renumbering that closes gaps
    /// changes it, and renumbering without gaps changes nothing.
    public func repairBandIndexIfMoved(lastRun: Int) throws {
        try db.write { db in
            let recorded = try Int64.fetchOne(db, sql: "SELECT brief_rowid_max FROM runs WHERE run_id = ?", arguments: [lastRun])
            let now = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM briefs")
            if let recorded, recorded != now { try Self.rebuildBandIndex(db) }
        }
    }

    /// Band keys stored as little-endian UInt64s, as the signed integers SQLite holds.
    static func bandKeys(_ data: Data) -> [Int64] {
        array(data)
    }

    /// A 64-bit hash of a brief's stored band-key blob (nights walk duplicate components through these keys).
    static func keysChecksum(_ data: Data) -> Int64 {
        Int64(bitPattern: data.withUnsafeBytes { Hashing.bytes($0.bindMemory(to: UInt8.self)) })
    }

    /// A brief's band keys from a row holding `band_keys` and `keys_checksum`, checked when the checksum is there.
    /// - Throws: a `DatabaseError` (SQLITE_CORRUPT) on a mismatch, which a run reports as a damaged state.
    static func verifiedBandKeys(_ row: Row, rowid: Int64) throws -> [Int64] {
        let data: Data = row["band_keys"] ?? Data()
        if row.hasColumn("keys_checksum"), let stored: Int64 = row["keys_checksum"], stored != keysChecksum(data) {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "the band keys of brief row \(rowid) do not match their checksum")
        }
        return bandKeys(data)
    }

    /// The stored briefs of an unchanged file, or nil.
    /// Damage found here is kept in `damage` (the reader's callback cannot throw): the caller must check it.
    public func storedFile(_ record: FileRecord) -> StoredFile? {
        guard isUnchanged(record) else { return nil }
        do { return try loadFile(record.path) } catch let e as DatabaseError where e.resultCode == .SQLITE_CORRUPT {
            damageLock.lock()
            if foundDamage == nil { foundDamage = e.message ?? "\(e.resultCode)" }
            damageLock.unlock()
            return nil
        } catch {
            return nil
        }
    }

    /// Whether a corpus file is the one the state read before: same path, size and content hash, and the same
    /// modification time only where parsing reads it (pages without a crawl stamp in their name). A copied or
    /// re-synced corpus (new times, same bytes) parses to the same briefs, and treating it as changed rewrote every
    /// brief of a 1M-brief state (4 minutes).
    public func isUnchanged(_ record: FileRecord) -> Bool {
        guard let known = files[record.path], known.size == record.size, known.hash == record.hash else { return false }
        return known.modified == record.modified || !CorpusReader().parseDependsOnModificationTime(record.path)
    }

    /// Whether the state recorded a different modification time for a file than `record` has.
    public func modifiedDiffers(_ record: FileRecord) -> Bool { files[record.path].map { $0.modified != record.modified } ?? false }

    /// The size and content hash the state recorded for a file, if it read it before.
    public func knownFile(_ path: String) -> (size: Int, hash: String)? { files[path].map { ($0.size, $0.hash) } }

    /// The columns `brief(_:)` decodes, for SELECTs that load briefs.
    static let briefColumns = "id, source, line, title, dateline, agencies, age_minutes, published, lang, text, outlet, url, checksum"

    /// A stored brief from a row holding `briefColumns`, checked against its stored checksum (when it has one).
    /// - Throws: a `DatabaseError` (SQLITE_CORRUPT) on a mismatch, which a run reports as a damaged state.
    static func brief(_ row: Row, verify: Bool = true) throws -> Brief {
        let agencies: String = row["agencies"]
        let published: Double? = row["published"]
        let lang: String = row["lang"]
        let b = Brief(id: row["id"], source: row["source"], line: row["line"], title: row["title"], dateline: row["dateline"],
                      agencies: agencies.isEmpty ? [] : agencies.components(separatedBy: "/"), ageMinutes: row["age_minutes"],
                      published: published.map { Date(timeIntervalSince1970: $0) }, lang: Language(rawValue: lang) ?? .other,
                      text: row["text"], outlet: row["outlet"], url: row["url"])
        if verify, row.hasColumn("checksum"), let stored: Int64 = row["checksum"], stored != checksum(of: b) {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "brief \(b.id) does not match its checksum")
        }
        return b
    }

    /// Columns in `briefColumns`.
    static let briefColumnCount = 13

    /// A stored brief from a row whose first columns are `briefColumns`, decoded by index, checked against its checksum.
    static func brief(columnsOf row: Row) throws -> Brief {
        let agencies: String = row[5]
        let published: Double? = row[7]
        let lang: String = row[8]
        let b = Brief(id: row[0], source: row[1], line: row[2], title: row[3], dateline: row[4],
                      agencies: agencies.isEmpty ? [] : agencies.components(separatedBy: "/"), ageMinutes: row[6],
                      published: published.map { Date(timeIntervalSince1970: $0) }, lang: Language(rawValue: lang) ?? .other,
                      text: row[9], outlet: row[10], url: row[11])
        if let stored: Int64 = row[12], stored != checksum(of: b) {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "brief \(b.id) does not match its checksum")
        }
        return b
    }

    /// A 64-bit hash of everything a brief row holds about its content, fields separated so that no two briefs
    /// can serialise alike.
    static func checksum(of b: Brief) -> Int64 {
        var bytes: [UInt8] = []
        func add(_ s: String?) { bytes += Array((s ?? "\u{1}").utf8); bytes.append(0) }
        add(b.id); add(b.source); add(String(b.line)); add(b.title); add(b.dateline); add(b.agencies.joined(separator: "/"))
        add(b.ageMinutes.map(String.init)); add(b.published.map { String($0.timeIntervalSince1970.bitPattern) })
        add(b.lang.rawValue); add(b.text); add(b.outlet); add(b.url)
        return Int64(bitPattern: bytes.withUnsafeBufferPointer { Hashing.bytes($0) })
    }

    func loadFile(_ path: String) throws -> StoredFile {
        try db.read { db in
            let briefs = try Row.fetchAll(db, sql: "SELECT \(Self.briefColumns) FROM briefs WHERE source = ? ORDER BY position",
                                          arguments: [path]).map { try Self.brief($0) }
            let skipped = try Row.fetchAll(db, sql: "SELECT source, line, reason, recovered FROM skipped WHERE source = ? ORDER BY rowid",
                                           arguments: [path]).map { row in
                SkippedInput(source: row["source"], line: row["line"], reason: row["reason"], recovered: row["recovered"])
            }
            return StoredFile(briefs: briefs, skipped: skipped)
        }
    }

    /// Paths of files the state knows but this run did not see.
    public func missingFiles(seen: Set<String>) -> [String] {
        files.keys.filter { !seen.contains($0) }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// The last finished run's id, or nil for a new state.
    public func lastRunId() throws -> Int? {
        try db.read { db in try Int.fetchOne(db, sql: "SELECT max(run_id) FROM runs") }
    }

    /// Current stories and their canonical briefs, from the last run.
    public func previousStories() throws -> [String: Set<String>] {
        try db.read { db in
            var out: [String: Set<String>] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, story, \(StateStore.sealedPlacement.check()) AS sealed FROM briefs WHERE canonical = id AND story IS NOT NULL") {
                try Self.requireSealed(row, "the place of brief \(row["id"] as String? ?? "?")")
                out[row["story"], default: []].insert(row["id"])
            }
            return out
        }
    }

    /// A brief's stored duplicate group and story, to write only what a run changed.
    public struct Assignment: Equatable, Sendable {
        /// Id of the brief's canonical brief.
        public var canonical: String?
        /// Similarity to the canonical brief.
        public var similarity: Double?
        /// Story id.
        public var story: String?
    }

    /// The stored assignment of every brief.
    public func assignments() throws -> [String: Assignment] {
        try db.read { db in
            var out: [String: Assignment] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, canonical, similarity, story, \(StateStore.sealedPlacement.check()) AS sealed FROM briefs") {
                try Self.requireSealed(row, "the place of brief \(row["id"] as String? ?? "?")")
                out[row["id"]] = Assignment(canonical: row["canonical"], similarity: row["similarity"], story: row["story"])
            }
            return out
        }
    }

    /// The columns of a story row a run's update writes (`split_from` is set only on insert), to write only stories
    /// a run changed.
    public struct StoredStory: Equatable, Sendable {
        /// Top terms.
        public var label: String
        /// Earliest publication time (seconds since 1970).
        public var firstPublished: Double?
        /// Latest publication time.
        public var lastPublished: Double?
        /// Briefs in the story.
        public var size: Int
        /// Whether the story is current.
        public var active: Bool
        /// The thread it belonged to after the last run that wrote it (nil before schema 5 or with threads off).
        public var thread: String? = nil
    }

    /// Every stored story row, active or retired: its keys are every story id ever used (so a new id never reuses
    /// an old one).
    public func storyRows() throws -> [String: StoredStory] {
        try db.read { db in
            var out: [String: StoredStory] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, label, first_published, last_published, size, active, thread, \(StateStore.sealedStories.check()) AS sealed FROM stories") {
                try Self.requireSealed(row, "story \(row["id"] as String? ?? "?")")
                out[row["id"]] = StoredStory(label: row["label"], firstPublished: row["first_published"], lastPublished: row["last_published"],
                                             size: row["size"], active: row["active"], thread: row["thread"])
            }
            return out
        }
    }

    /// The stored thread of each of `stories` that is current and has one.
    public func threads(ofStories stories: [String]) throws -> [String: String] {
        try db.read { db in
            let lookup = try db.cachedStatement(sql: "SELECT thread, \(StateStore.sealedStories.check()) AS sealed FROM stories WHERE id = ? AND active = 1 AND thread IS NOT NULL")
            var out: [String: String] = [:]
            for id in stories {
                guard let row = try Row.fetchOne(lookup, arguments: [id]) else { continue }
                try Self.requireSealed(row, "story \(id)")
                out[id] = row["thread"]
            }
            return out
        }
    }

    /// The number of active stories each of `threads` holds.
    public func threadSizes(_ threads: Set<String>) throws -> [String: Int] {
        try db.read { db in
            let count = try db.cachedStatement(sql: "SELECT count(*) FROM stories WHERE thread = ? AND active = 1")
            var out: [String: Int] = [:]
            for t in threads { out[t] = try Int.fetchOne(count, arguments: [t]) ?? 0 }
            return out
        }
    }

    /// The canonical briefs published within `from...to` (seconds since 1970) of active stories not in `excluding`,
    /// with their story and its stored thread: what a night's thread step compares its new events with. Stories
    /// stored before threads existed (no thread) are left out; the next full run gives them one.
    public func threadContext(from: Double, to: Double, excluding: Set<String>) throws -> [(brief: Brief, story: String, thread: String)] {
        try db.read { db in
            var out: [(brief: Brief, story: String, thread: String)] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(StateStore.briefColumns.split(separator: ",").map { "b." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                       b.story AS story, s.thread AS thread,
                       (\(StateStore.sealedStories.check("s")) AND \(StateStore.sealedPlacement.check("b"))) AS sealed
                FROM briefs b JOIN stories s ON s.id = b.story
                WHERE b.canonical = b.id AND b.published BETWEEN ? AND ? AND s.active = 1 AND s.thread IS NOT NULL
                ORDER BY b.published, b.id
                """, arguments: [from, to])
            while let row = try rows.next() {
                let story: String = row["story"]
                if excluding.contains(story) { continue }
                try Self.requireSealed(row, "story \(story)")
                out.append((try StateStore.brief(row), story, row["thread"]))
            }
            return out
        }
    }

    /// Totals of the history after a run, and the dedup settings its signatures and band keys were made with.
    public struct RunTotals: Equatable, Sendable {
        /// Briefs in the history.
        public var briefs: Int
        /// Briefs folded into duplicate groups.
        public var duplicatesRemoved: Int
        /// Duplicate groups of two or more.
        public var duplicateGroups: Int
        /// Current stories.
        public var stories: Int
        /// `DedupConfig.stateKey` of the run.
        public var dedupSettings: String
    }

    /// The totals a run recorded (nil for runs of a schema-1 state, which did not record them).
    public func totals(run: Int) throws -> RunTotals? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT briefs, duplicates_removed, duplicate_groups, stories, dedup_settings FROM runs WHERE run_id = ?
                """, arguments: [run]), let removed: Int = row[1], let groups: Int = row[2], let settings: String = row[4] else { return nil }
            return RunTotals(briefs: row[0], duplicatesRemoved: removed, duplicateGroups: groups, stories: row[3], dedupSettings: settings)
        }
    }

    /// Stories that grew in the given run.
    public func storiesUpdated(in run: Int) throws -> Set<String> {
        try db.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM stories WHERE active = 1 AND updated_run = ?", arguments: [run])) }
    }
}

/// The rows a run writes, shared by the full path's commit (`NightlyRun`) and the append path's (`AppendRun`).
extension StateStore {
    /// Stores the skip entries of `parsed` files. Skips of files outside the state (no files row: README.md,
    /// unreadable files) are reported, not stored: storing them would add a copy every run.
    static func insertSkips(_ skipped: [SkippedInput], of parsed: Set<String>, _ db: Database) throws {
        for s in skipped where parsed.contains(s.source) {
            try db.execute(sql: "INSERT INTO skipped (source, line, reason, recovered) VALUES (?, ?, ?, ?)",
                           arguments: [s.source, s.line, s.reason, s.recovered])
        }
    }

    /// Writes a corpus file's record (inserted, or updated when the state knew the path).
    static func upsertFile(_ f: FileRecord, run: Int, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO files (path, size, modified, hash, run_id) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET size = excluded.size, modified = excluded.modified, hash = excluded.hash,
                run_id = excluded.run_id
            """, arguments: [f.path, f.size, f.modified, f.hash, run])
    }

    /// Writes a brief with its signature, band keys, duplicate group and story (a known id is updated and keeps its
    /// `first_run`), and returns its rowid for the band index.
    static func upsertBrief(_ b: Brief, position: Int, run: Int, signature: [UInt32], keys: [UInt64], canonical: String,
                            similarity: Double, story: String?, known: Bool, _ db: Database) throws -> Int64 {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO briefs (id, source, position, line, title, dateline, agencies, age_minutes, published, lang, text,
                                outlet, url, first_run, signature, band_keys, canonical, similarity, story, checksum, keys_checksum,
                                place_seal)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, sc_seal(?, ?, ?, ?))
            ON CONFLICT(id) DO UPDATE SET source = excluded.source, position = excluded.position, line = excluded.line,
                title = excluded.title, dateline = excluded.dateline, agencies = excluded.agencies,
                age_minutes = excluded.age_minutes, published = excluded.published, lang = excluded.lang,
                text = excluded.text, outlet = excluded.outlet, url = excluded.url, signature = excluded.signature,
                band_keys = excluded.band_keys, canonical = excluded.canonical, similarity = excluded.similarity,
                story = excluded.story, checksum = excluded.checksum, keys_checksum = excluded.keys_checksum,
                place_seal = excluded.place_seal
            """)
        try upsert.execute(arguments: [b.id, b.source, position, b.line, b.title, b.dateline, b.agencies.joined(separator: "/"),
                                       b.ageMinutes, b.published?.timeIntervalSince1970, b.lang.rawValue, b.text, b.outlet, b.url,
                                       run, data(signature), data(keys),
                                       canonical, similarity, story, checksum(of: b), keysChecksum(data(keys)),
                                       b.id, canonical, similarity, story])
        // A fresh insert sets the last rowid; an update of a known id does not, so that one is looked up.
        return try known ? Int64.fetchOne(db, sql: "SELECT rowid FROM briefs WHERE id = ?", arguments: [b.id])! : db.lastInsertedRowID
    }

    /// Moves a stored brief to another duplicate group or story.
    static func setPlacement(_ id: String, canonical: String?, similarity: Double?, story: String?, _ db: Database) throws {
        try db.cachedStatement(sql: "UPDATE briefs SET canonical = ?, similarity = ?, story = ? WHERE id = ?")
            .execute(arguments: [canonical, similarity, story, id])
        try reseal(sealedPlacement, where: "id = ?", arguments: [id], db)
    }

    /// Retires a story (no longer current), `into` the story that absorbed it if any.
    static func retireStory(_ id: String, into: String?, _ db: Database) throws {
        try db.execute(sql: "UPDATE stories SET active = 0, merged_into = ? WHERE id = ?", arguments: [into, id])
        try reseal(sealedStories, where: "id = ?", arguments: [id], db)
    }

    /// Writes a current story: inserted with `split_from`, or updated (active again, `updated_run` moved only when it
    /// grew).
    static func upsertStory(_ s: Story, run: Int, grew: Bool, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO stories (id, label, first_published, last_published, size, created_run, updated_run, merged_into,
                                 split_from, active, thread)
            VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, 1, ?)
            ON CONFLICT(id) DO UPDATE SET label = excluded.label, first_published = excluded.first_published,
                last_published = excluded.last_published, size = excluded.size, active = 1, merged_into = NULL,
                thread = excluded.thread,
                updated_run = CASE WHEN ? THEN excluded.updated_run ELSE stories.updated_run END
            """, arguments: [s.id, s.label, s.firstPublished?.timeIntervalSince1970, s.lastPublished?.timeIntervalSince1970,
                             s.briefs.count, run, run, s.splitFrom, s.thread.isEmpty ? nil : s.thread, grew])
        try reseal(sealedStories, where: "id = ?", arguments: [s.id], db)
    }

    /// Records a finished run with the history's totals after it (and the largest brief rowid, see
    /// `repairBandIndexIfMoved`).
    static func insertRun(runId: Int, filesParsed: Int, filesReused: Int, started: Date, corpus: String, totals: RunTotals, newBriefs: Int, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO runs (run_id, started, finished, corpus, files_parsed, files_reused, briefs, briefs_new, stories,
                              duplicates_removed, duplicate_groups, dedup_settings, brief_rowid_max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT max(rowid) FROM briefs))
            """, arguments: [runId, ISO8601.format(started), ISO8601.format(Date()), corpus, filesParsed,
                             filesReused, totals.briefs, newBriefs, totals.stories, totals.duplicatesRemoved,
                             totals.duplicateGroups, totals.dedupSettings])
    }
}
