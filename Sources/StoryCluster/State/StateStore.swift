import Foundation
import GRDB

/// A problem with the state database that stops the run before anything is written (the file is never overwritten).
public struct StateError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the file.
    public var description: String
    /// Exit status the CLI uses: 5 for a bad or newer state, 6 when another run holds the lock.
    public var exitCode: Int32
}

/// The nightly state in SQLite (through GRDB): every brief read with its file, content hash, times, MinHash
/// signature and band keys, its duplicate group and story; the stories with their history; document
/// frequencies; and one row per run. A run reads it at the start and commits everything in one transaction at
/// the end, so `kill -9` at any moment leaves the previous state intact.
public final class StateStore {
    /// `PRAGMA application_id` of a storycluster state ("SCLS").
    public static let applicationID: Int32 = 0x5343_4C53
    /// Schema version this build writes (`PRAGMA user_version`).
    public static let schemaVersion = 1

    /// The state file.
    public let path: String
    let db: DatabaseQueue
    let lockFD: Int32
    var files: [String: (size: Int, modified: Double, hash: String)] = [:]

    /// Opens (or creates) the state at `path`, taking an exclusive lock on `path.lock` for the life of the object.
    /// - Throws: `StateError` if another run holds the lock, or the file is not a storycluster state, is from a
    ///   newer schema, or is damaged.
    public init(path: String) throws {
        self.path = path
        let lockPath = path + ".lock"
        let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StateError(description: "\(lockPath): cannot open lock file: \(String(cString: strerror(errno)))", exitCode: 5) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &holder, 31, 0)
            close(fd)
            let pid = n > 0 ? String(decoding: holder[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw StateError(description: "\(path): another storycluster run is using this state (pid \(pid)); try again when it has finished", exitCode: 6)
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        lockFD = fd
        do {
            try Self.checkHeader(path)
            var config = Configuration()
            config.busyMode = .timeout(5)
            db = try DatabaseQueue(path: path, configuration: config)
            try Self.checkAndMigrate(db, path: path)
            try db.read { db in
                for row in try Row.fetchAll(db, sql: "SELECT path, size, modified, hash FROM files") {
                    files[row["path"]] = (row["size"], row["modified"], row["hash"])
                }
            }
        } catch let e as StateError {
            close(fd)
            throw e
        } catch {
            close(fd)
            throw StateError(description: "\(path): cannot open state: \(error)", exitCode: 5)
        }
    }

    deinit { close(lockFD) }

    /// Rejects files that are not SQLite at all before SQLite gets to touch them.
    static func checkHeader(_ path: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { return }  // does not exist yet: created below
        defer { try? h.close() }
        let head = h.readData(ofLength: 16)
        if head.isEmpty { return }
        guard head == Data("SQLite format 3\u{0}".utf8) else {
            throw StateError(description: "\(path): not a storycluster state (not an SQLite database); refusing to overwrite it", exitCode: 5)
        }
    }

    static func checkAndMigrate(_ db: DatabaseQueue, path: String) throws {
        let (app, version, tables, check) = try db.read { db -> (Int32, Int, Int, String) in
            (try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0,
             try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0,
             try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "?")
        }
        guard check == "ok" else { throw StateError(description: "\(path): the state database is damaged (\(check)); restore it from a backup or run with a new --state", exitCode: 5) }
        if tables > 0 && app != applicationID {
            throw StateError(description: "\(path): an SQLite database that is not a storycluster state; refusing to overwrite it", exitCode: 5)
        }
        if version > schemaVersion {
            throw StateError(description: "\(path): written by a newer storycluster (schema \(version), this build knows \(schemaVersion)); upgrade storycluster", exitCode: 5)
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
        try migrator.migrate(db)
    }

    /// The stored briefs of an unchanged file (same size, modification time and content hash), or nil.
    public func storedFile(_ record: FileRecord) -> StoredFile? {
        guard let known = files[record.path], known.size == record.size, known.modified == record.modified, known.hash == record.hash else { return nil }
        return try? loadFile(record.path)
    }

    func loadFile(_ path: String) throws -> StoredFile {
        try db.read { db in
            let briefs = try Row.fetchAll(db, sql: """
                SELECT id, source, line, title, dateline, agencies, age_minutes, published, lang, text, outlet, url
                FROM briefs WHERE source = ? ORDER BY position
                """, arguments: [path]).map { row -> Brief in
                let agencies: String = row["agencies"]
                let published: Double? = row["published"]
                let lang: String = row["lang"]
                return Brief(id: row["id"], source: row["source"], line: row["line"], title: row["title"], dateline: row["dateline"],
                             agencies: agencies.isEmpty ? [] : agencies.components(separatedBy: "/"), ageMinutes: row["age_minutes"],
                             published: published.map { Date(timeIntervalSince1970: $0) }, lang: Language(rawValue: lang) ?? .other,
                             text: row["text"], outlet: row["outlet"], url: row["url"])
            }
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
            for row in try Row.fetchAll(db, sql: "SELECT id, story FROM briefs WHERE canonical = id AND story IS NOT NULL") {
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
            for row in try Row.fetchAll(db, sql: "SELECT id, canonical, similarity, story FROM briefs") {
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
    }

    /// Every stored story row, active or retired: its keys are every story id ever used (so a new id never reuses
    /// an old one).
    public func storyRows() throws -> [String: StoredStory] {
        try db.read { db in
            var out: [String: StoredStory] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, label, first_published, last_published, size, active FROM stories") {
                out[row["id"]] = StoredStory(label: row["label"], firstPublished: row["first_published"], lastPublished: row["last_published"],
                                             size: row["size"], active: row["active"])
            }
            return out
        }
    }

    /// Stories that grew in the given run.
    public func storiesUpdated(in run: Int) throws -> Set<String> {
        try db.read { db in Set(try String.fetchAll(db, sql: "SELECT id FROM stories WHERE active = 1 AND updated_run = ?", arguments: [run])) }
    }
}
