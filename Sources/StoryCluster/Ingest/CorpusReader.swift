import Foundation

/// A file's path as the file system's bytes (NUL-terminated) and its last component for display: Foundation's
/// `URL` turns names that are not UTF-8 into other names, which then cannot be opened.
struct RawPath: Sendable {
    /// The path's bytes, NUL-terminated.
    var bytes: [CChar]
    /// The last component, with bytes that are not UTF-8 escaped (see `CorpusReader.displayName`).
    var name: String

    /// The path of a URL made from a valid string.
    init(_ url: URL) {
        bytes = url.withUnsafeFileSystemRepresentation { p in p.map { Array(UnsafeBufferPointer(start: $0, count: strlen($0) + 1)) } } ?? [0]
        name = url.lastPathComponent
    }

    /// A path read from a folder listing.
    init(bytes: [CChar], name: String) {
        self.bytes = bytes
        self.name = name
    }
}

/// Reads a corpus folder or file into briefs: pages (`.txt`), JSON Lines (`.jsonl`, `.ndjson`).
///
/// Folders are walked recursively in byte-wise sorted path order with hidden files skipped, so output never
/// depends on directory listing order. Nothing a crawler produces stops the read: every problem becomes one
/// `SkippedInput` naming the file (and line), and the rest of the corpus is read as usual. Invalid UTF-8 is
/// decoded as Windows-1252 with a warning, because that is what mislabelled Western European pages almost
/// always are.
public struct CorpusReader: Sendable {
    /// Lines (JSON Lines) or page lines longer than this are skipped with a message.
    public var maxLineBytes: Int = 8 << 20
    /// JSON Lines files at least this large are parsed on all cores in chunks.
    public var parallelThreshold: Int = 4 << 20
    /// Guess each brief's language (nl/en/other) when the input does not say; off for jobs that never show it.
    public var guessLanguage = true

    /// Creates a reader with default limits.
    public init() {}

    /// Reads everything under `path` (a folder or a single file).
    /// - Throws: `StoryClusterError` only when `path` itself does not exist or cannot be listed.
    /// `grownFrom` (a state's size and content hash of a path) lets a JSON Lines file that only had lines appended
    /// be read from where it ended: only the new lines are parsed (`FileRecord.grownFrom`).
    public func read(_ path: String, reuse: ((FileRecord) -> StoredFile?)? = nil,
                     grownFrom: ((String) -> (size: Int, hash: String)?)? = nil) throws -> Corpus {
        let url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw StoryClusterError("\(path): no such file or folder")
        }
        var files: [(relative: String, path: RawPath)] = []
        var walkSkips: [SkippedInput] = []
        if isDir.boolValue {
            (files, walkSkips) = try listFiles(root: url)
        } else {
            files = [(url.lastPathComponent, RawPath(url))]
        }
        // Files are read on all cores: a crawl corpus is thousands of small pages, each below the size at which one
        // file is split across cores (100 files of 1k briefs took 0.40 s read one by one, 0.145 s as one file).
        // `reuse` and `grownFrom` only read the state (a dictionary, and GRDB's serialised queue).
        var parts = [Corpus](repeating: Corpus(), count: files.count)
        parts.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: files.count) { f in
                out[f] = readFile(files[f].path, relative: files[f].relative, reuse: reuse, grownFrom: grownFrom)
            }
        }
        // Ids must be unique across the corpus: a later duplicate is skipped, never silently merged. Ids are
        // looked up by a 64-bit hash (a String-keyed dictionary cost 70 ms per 100k briefs), strings compared on a hit.
        // Positions are as the old String-keyed version kept them: in `corpus.briefs`, or base + k in the file
        // being merged, re-numbered when that file loses a brief.
        var firstByHash: [UInt64: Int] = [:]  // id hash → position of the first brief with that id
        var sameHash: [UInt64: [Int]] = [:]   // further distinct ids with an equal hash (not expected, but possible)
        firstByHash.reserveCapacity(parts.reduce(0) { $0 + $1.briefs.count })
        var corpus = Corpus()
        for p in parts.indices {
            // Each file's part is handed over, so its briefs are freed as soon as they are merged.
            let part = parts[p]
            parts[p] = Corpus()
            corpus.filesRead += 1
            corpus.files.append(contentsOf: part.files)
            let base = corpus.briefs.count
            func brief(_ position: Int) -> Brief { position < base ? corpus.briefs[position] : part.briefs[position - base] }
            var drop: [Int] = []
            for k in part.briefs.indices {
                let id = part.briefs[k].id
                let h = Self.idHash(id)
                guard let first = firstByHash[h] else { firstByHash[h] = base + k; continue }
                if let same = ([first] + (sameHash[h] ?? [])).first(where: { brief($0).id == id }) {
                    drop.append(k)
                    let f = brief(same), b = part.briefs[k]
                    corpus.skipped.append(SkippedInput(source: b.source, line: b.line, reason: "duplicate id \"\(b.id)\" (first seen at \(f.source):\(f.line))"))
                } else {
                    sameHash[h, default: []].append(base + k)
                }
            }
            if drop.isEmpty {
                if corpus.briefs.isEmpty { corpus.briefs = part.briefs } else { corpus.briefs.append(contentsOf: part.briefs) }
            } else {
                // Later ids point past dropped briefs; re-number this file's entries.
                var next = 0
                for (k, b) in part.briefs.enumerated() {
                    if next < drop.count && drop[next] == k { next += 1; continue }
                    let h = Self.idHash(b.id), position = corpus.briefs.count
                    if firstByHash[h] == base + k { firstByHash[h] = position }
                    else if let i = sameHash[h]?.firstIndex(of: base + k) { sameHash[h]![i] = position }
                    corpus.briefs.append(b)
                }
            }
            corpus.skipped.append(contentsOf: part.skipped)
        }
        corpus.skipped += walkSkips
        return corpus
    }

    /// The hash an id is looked up by: of its UTF-8 bytes, in NFC when it is not ASCII, because ids are compared as
    /// Swift strings, and canonically equivalent strings (`é` and `e` + U+0301, `K` and U+212A) are equal.
    static func idHash(_ id: String) -> UInt64 {
        if let h = id.utf8.withContiguousStorageIfAvailable({ b -> UInt64? in b.contains { $0 >= 0x80 } ? nil : Hashing.bytes(b) }), let h {
            return h
        }
        let canonical = id.utf8.contains { $0 >= 0x80 } ? id.precomposedStringWithCanonicalMapping : id
        return Array(canonical.utf8).withUnsafeBufferPointer { Hashing.bytes($0) }
    }

    /// Every file under `root`, byte-wise sorted by relative path, and the entries left out (with why).
    ///
    /// Names are read as bytes: a name that is not UTF-8 is listed with its bad bytes escaped (`\xFF`) and still
    /// opened by its real bytes. Links are followed, but a folder already walked (a link to `.` or `..`: same device
    /// and inode) is not walked again, and a file reached twice is read once: a corpus with link loops reads each
    /// page once instead of walking forever.
    func listFiles(root: URL) throws -> (files: [(relative: String, path: RawPath)], skipped: [SkippedInput]) {
        var out: [(String, RawPath)] = []
        var skipped: [SkippedInput] = []
        struct Node: Hashable { var dev: UInt64; var ino: UInt64 }
        var walked: [Node: String] = [:], seen: [Node: String] = [:]
        func node(_ path: [CChar]) -> (Node, Bool)? {
            var st = stat()
            guard stat(path, &st) == 0 else { return nil }
            return (Node(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)), (st.st_mode & S_IFMT) == S_IFDIR)
        }
        func walk(_ dir: [CChar], _ prefix: String) throws {
            guard let handle = opendir(dir) else {
                let shown = prefix.isEmpty ? root.path : prefix
                if prefix.isEmpty { throw StoryClusterError("\(shown): cannot list folder: \(String(cString: strerror(errno)))") }
                skipped.append(SkippedInput(source: shown, reason: "cannot list folder: \(String(cString: strerror(errno)))"))
                return
            }
            var names: [[UInt8]] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if name.first == UInt8(ascii: ".") { continue }  // hidden files, and `.` / `..`
                names.append(name)
            }
            closedir(handle)
            // Byte-wise order, so which of two links to one file is read (the first) never depends on the disk.
            names.sort { $0.lexicographicallyPrecedes($1) }
            for name in names {
                var child = dir.dropLast().map { $0 }  // without the NUL
                child.append(CChar(bitPattern: UInt8(ascii: "/")))
                child += name.map { CChar(bitPattern: $0) }
                child.append(0)
                let display = Self.displayName(name)
                let rel = prefix.isEmpty ? display : prefix + "/" + display
                let url = RawPath(bytes: child, name: display)
                // A broken link or a file that vanished is still listed, so reading it reports it.
                guard let (n, isDir) = node(child) else { out.append((rel, url)); continue }
                if isDir {
                    if let first = walked[n] {
                        skipped.append(SkippedInput(source: rel, reason: "folder already read as \(first.isEmpty ? "the corpus root" : first) (a link loop)", recovered: true))
                        continue
                    }
                    walked[n] = rel
                    try walk(child, rel)
                } else if let first = seen[n] {
                    skipped.append(SkippedInput(source: rel, reason: "same file as \(first) (a link); read once", recovered: true))
                } else {
                    seen[n] = rel
                    out.append((rel, url))
                }
            }
        }
        let rootPath = Array(root.path.utf8CString)
        if let (n, _) = node(rootPath) { walked[n] = "" }
        try walk(rootPath, "")
        out.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
        // Reported in the order the files are: the skip list is as repeatable as the briefs.
        skipped.sort { Array($0.source.utf8).lexicographicallyPrecedes(Array($1.source.utf8)) }
        return (out, skipped)
    }

    /// A file name for ids and messages: UTF-8 as is, any other byte as `\xHH` (so it can never be confused with
    /// a valid name, and a terminal never sees a raw control byte).
    static func displayName(_ name: [UInt8]) -> String {
        if let s = String(validating: name, as: UTF8.self), !s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return s
        }
        var out = ""
        var i = 0
        while i < name.count {
            // Decode the longest valid UTF-8 run; escape what is not.
            var j = i + 1
            while j <= name.count, j - i <= 4, String(validating: name[i..<j], as: UTF8.self) == nil { j += 1 }
            if j <= name.count, j - i <= 4, let s = String(validating: name[i..<j], as: UTF8.self),
               let u = s.unicodeScalars.first, u.value >= 0x20, u.value != 0x7F {
                out += s
                i = j
            } else {
                out += String(format: "\\x%02X", name[i])
                i += 1
            }
        }
        return out
    }

    /// Reads one file; never throws: problems become skip entries. When `reuse` returns stored briefs for the
    /// file's record (same path, size, modification time and content hash), the file is not parsed again.
    public func readFile(_ url: URL, relative: String, reuse: ((FileRecord) -> StoredFile?)? = nil,
                         grownFrom: ((String) -> (size: Int, hash: String)?)? = nil) -> Corpus {
        readFile(RawPath(url), relative: relative, reuse: reuse, grownFrom: grownFrom)
    }

    func readFile(_ url: RawPath, relative: String, reuse: ((FileRecord) -> StoredFile?)? = nil,
                  grownFrom: ((String) -> (size: Int, hash: String)?)? = nil) -> Corpus {
        let ext = (url.name as NSString).pathExtension.lowercased()
        let kind: FileKind
        switch ext {
        case "txt", "text": kind = .page
        case "jsonl", "ndjson": kind = .jsonLines
        default:
            return Corpus(skipped: [SkippedInput(source: relative, reason: "not a corpus file (expected .txt, .jsonl or .ndjson)")])
        }
        let data: Data
        do {
            data = try Self.mapFile(url)
        } catch {
            return Corpus(skipped: [SkippedInput(source: relative, reason: "unreadable: \(describe(error))")])
        }
        var record = FileRecord(path: relative, size: data.count, modified: modificationTime(url)?.timeIntervalSince1970 ?? 0,
                                // Hashing 55 MB costs 40 ms: only incremental runs (with `reuse`) need it.
                                hash: reuse == nil ? "" : data.withUnsafeBytes { Self.contentHash($0.bindMemory(to: UInt8.self)) },
                                parsed: true)
        if let stored = reuse?(record) {
            record.parsed = false
            return Corpus(briefs: stored.briefs, skipped: stored.skipped, filesRead: 1, files: [record])
        }
        if kind == .jsonLines, let known = grownFrom?(relative), known.size > 0, known.size < data.count {
            // A daily file the crawler appends to: when its first bytes are the ones read before (same hash, ending
            // at a line break), only the lines after them are new.
            let tail = data.withUnsafeBytes { raw -> Corpus? in
                let all = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count)
                let prefix = UnsafeBufferPointer(rebasing: all[..<known.size])
                guard prefix[known.size - 1] == 0x0A, Self.contentHash(prefix) == known.hash,
                      // A file whose start was binary is rejected whole by a full read; so is its growth.
                      Self.binaryStart(all) == nil else { return nil }
                let rest = UnsafeBufferPointer(rebasing: all[known.size...])
                // NUL bytes in the new lines skip those lines, as in a full read (which checks only the file's start).
                let tail = readJSONLines(rest, relative: relative, firstLine: 1 + Self.countLineBreaks(prefix))
                // Only blank lines appended: a full read decides what the file as a whole holds.
                return tail.briefs.isEmpty && tail.skipped.allSatisfy({ $0.line == nil }) ? nil : tail
            }
            if var tail {
                record.grownFrom = known.size
                tail.files = [record]
                tail.filesRead = 1
                return tail
            }
        }
        var result = parseFile(data, url: url, relative: relative, kind: kind)
        result.files = [record]
        return result
    }

    /// Reads a corpus handed over as bytes (standard input, a partition of a distributed job) as if it were the file
    /// `source`: its extension picks pages (.txt, .text) or JSON Lines (anything else), and JSON Lines count from
    /// `firstLine`, so a partition starting at line N of a file gives the ids (`source:line`) a run over the whole
    /// file gives.
    public func read(bytes data: Data, source: String, firstLine: Int = 1) -> Corpus {
        let ext = (source as NSString).pathExtension.lowercased()
        let kind: FileKind = ext == "txt" || ext == "text" ? .page : .jsonLines
        if data.isEmpty { return Corpus(filesRead: 1) }
        var result = data.withUnsafeBytes { raw -> Corpus in
            var bytes = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count)
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])
            }
            switch kind {
            case .page:
                if let nul = Self.binaryStart(bytes) {
                    return Corpus(skipped: [SkippedInput(source: source, reason: "binary input (NUL byte at offset \(nul)), not text")])
                }
                return readPage(bytes, relative: source, crawlTime: crawlTime(fileName: source))
            case .jsonLines:
                // Each line is checked on its own: a binary line is skipped with its number, the rest is read.
                return readJSONLines(bytes, relative: source, firstLine: firstLine)
            }
        }
        result.filesRead = 1
        return result
    }

    func parseFile(_ data: Data, url: RawPath, relative: String, kind: FileKind) -> Corpus {
        if data.isEmpty { return Corpus(skipped: [SkippedInput(source: relative, reason: "empty file")]) }
        return data.withUnsafeBytes { raw -> Corpus in
            var bytes = UnsafeBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count)
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
                bytes = UnsafeBufferPointer(rebasing: bytes[3...])
            }
            if let nul = Self.binaryStart(bytes) {
                return Corpus(skipped: [SkippedInput(source: relative, reason: "binary file (NUL byte at offset \(nul)), not text")])
            }
            let crawl = crawlTime(fileName: url.name) ?? modificationTime(url)
            switch kind {
            case .page: return readPage(bytes, relative: relative, crawlTime: crawl)
            case .jsonLines: return readJSONLines(bytes, relative: relative)
            }
        }
    }

    enum FileKind { case page, jsonLines }

    func describe(_ error: Error) -> String {
        if let e = error as? CocoaError, let u = e.underlying as? POSIXError { return String(cString: strerror(u.code.rawValue)) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        return ns.localizedDescription
    }

    // MARK: Pages

    func readPage(_ bytes: UnsafeBufferPointer<UInt8>, relative: String, crawlTime: Date?) -> Corpus {
        var skipped: [SkippedInput] = []
        var text: String
        if let bad = UTF8Check.firstInvalidOffset(bytes) {
            let line = 1 + Self.countLineBreaks(UnsafeBufferPointer(rebasing: bytes[..<bad]))
            skipped.append(SkippedInput(source: relative, line: line, reason: "invalid UTF-8 (byte 0x\(String(bytes[bad], radix: 16, uppercase: true))); decoded the file as Windows-1252", recovered: true))
            text = Windows1252.decode(bytes)
        } else {
            text = String(decoding: bytes, as: UTF8.self)
        }
        // Over-long lines are dropped one by one, so one runaway line does not cost the rest of the page.
        if bytes.count > maxLineBytes {
            var lines: [Substring] = []
            var n = 0
            for line in text.splitLines() {
                n += 1
                if line.utf8.count > maxLineBytes {
                    skipped.append(SkippedInput(source: relative, line: n, reason: "line of \(line.utf8.count) bytes exceeds the \(maxLineBytes)-byte limit"))
                    lines.append("")
                } else {
                    lines.append(line)
                }
            }
            text = lines.joined(separator: "\n")
        }
        let (parsed, emptyLines) = PageParser.parse(text)
        for line in emptyLines {
            skipped.append(SkippedInput(source: relative, line: line, reason: "dateline without text"))
        }
        if parsed.isEmpty {
            skipped.append(SkippedInput(source: relative, reason: "no brief text on the page"))
        }
        var briefs: [Brief] = []
        briefs.reserveCapacity(parsed.count)
        for (n, p) in parsed.enumerated() {
            let published = crawlTime.map { t in p.ageMinutes.map { t.addingTimeInterval(-Double($0) * 60) } ?? t }
            briefs.append(Brief(id: "\(relative)#\(n + 1)", source: relative, line: p.line, title: p.title, dateline: p.dateline,
                                agencies: p.agencies, ageMinutes: p.ageMinutes, published: published, text: p.text))
        }
        return Corpus(briefs: briefs, skipped: skipped, filesRead: 1)
    }

    /// Whether parsing a file reads its modification time: pages without a crawl stamp in their name date their
    /// briefs by it, so the same bytes with a new time parse to other briefs.
    public func parseDependsOnModificationTime(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        let ext = (name as NSString).pathExtension.lowercased()
        return (ext == "txt" || ext == "text") && crawlTime(fileName: name) == nil
    }

    /// Crawl time from a `YYYYMMDD-HHMM` stamp in the file name, read as UTC.
    public func crawlTime(fileName: String) -> Date? {
        let s = Array(fileName.utf8)
        guard s.count >= 13 else { return nil }
        func digits(_ a: Int, _ n: Int) -> Int? {
            var v = 0
            for k in a..<(a + n) {
                guard s[k] >= 0x30 && s[k] <= 0x39 else { return nil }
                v = v * 10 + Int(s[k] - 0x30)
            }
            return v
        }
        for start in 0...(s.count - 13) where s[start + 8] == UInt8(ascii: "-") {
            if start > 0, s[start - 1] >= 0x30 && s[start - 1] <= 0x39 { continue }
            if start + 13 < s.count, s[start + 13] >= 0x30 && s[start + 13] <= 0x39 { continue }
            guard let y = digits(start, 4), let mo = digits(start + 4, 2), let d = digits(start + 6, 2),
                  let h = digits(start + 9, 2), let mi = digits(start + 11, 2),
                  (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60 else { continue }
            return ISO8601.date(year: y, month: mo, day: d, hour: h, minute: mi, second: 0)
        }
        return nil
    }

    func modificationTime(_ url: RawPath) -> Date? {
        var st = stat()
        guard stat(url.bytes, &st) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    /// The file's bytes, memory-mapped, opened by its file-system bytes (Foundation's path conversion loses names
    /// that are not UTF-8).
    static func mapFile(_ url: RawPath) throws -> Data {
        func failure() -> NSError { NSError(domain: NSPOSIXErrorDomain, code: Int(errno)) }
        let fd = open(url.bytes, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure() }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw failure() }
        if (st.st_mode & S_IFMT) == S_IFDIR { errno = EISDIR; throw failure() }
        let size = Int(st.st_size)
        guard size > 0 else { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            // Not mappable (a pipe, some special files): read it instead.
            var out = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = Glibc.read(fd, &buffer, buffer.count)
                if n < 0 { if errno == EINTR { continue }; throw failure() }
                if n == 0 { return out }
                out.append(contentsOf: buffer[0..<n])
            }
        }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { p, n in munmap(p, n) })
    }

    // MARK: JSON Lines

    func readJSONLines(_ bytes: UnsafeBufferPointer<UInt8>, relative: String, firstLine: Int = 1) -> Corpus {
        // Split into chunks at line boundaries; each chunk is parsed independently, then merged in order.
        let workers = bytes.count >= parallelThreshold ? max(1, ProcessInfo.processInfo.activeProcessorCount * 4) : 1
        var bounds: [Int] = [0]
        for w in 1..<workers {
            var cut = bytes.count * w / workers
            while cut < bytes.count, bytes[cut - 1] != 0x0A { cut += 1 }
            if cut > bounds.last! && cut < bytes.count { bounds.append(cut) }
        }
        bounds.append(bytes.count)
        let chunks = bounds.count - 1
        // Each chunk's first line number: its predecessors' line breaks, counted in parallel.
        var lineBreaks = [Int](repeating: 0, count: chunks)
        lineBreaks.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                out[c] = Self.countLineBreaks(UnsafeBufferPointer(rebasing: bytes[bounds[c]..<bounds[c + 1]]))
            }
        }
        var startLines = [Int](repeating: firstLine, count: chunks)
        for c in 1..<max(1, chunks) { startLines[c] = startLines[c - 1] + lineBreaks[c - 1] }
        // Each chunk parses into briefs it owns, then the result takes them over by bitwise moves: no retain and
        // release of every field, as a merge of per-chunk arrays cost (40 ms serial per 100k briefs).
        var runs = [BriefRun?](repeating: nil, count: chunks)
        var skippedParts = [[SkippedInput]](repeating: [], count: chunks)
        runs.withUnsafeMutableBufferPointer { runsOut in
            skippedParts.withUnsafeMutableBufferPointer { skippedOut in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    // About 500 bytes a document; a run grows (by moves) when the guess is short.
                    var run = BriefRun(capacity: min(lineBreaks[c] + 1, (bounds[c + 1] - bounds[c]) / 256 + 16))
                    skippedOut[c] = parseJSONLines(UnsafeBufferPointer(rebasing: bytes[bounds[c]..<bounds[c + 1]]),
                                                   firstLine: startLines[c], relative: relative, into: &run)
                    runsOut[c] = run
                }
            }
        }
        var result = Corpus(filesRead: 1)
        let total = runs.reduce(0) { $0 + $1!.count }
        result.briefs = [Brief](unsafeUninitializedCapacity: total) { all, count in
            count = 0
            for c in 0..<chunks { count += runs[c]!.moveAll(to: all.baseAddress! + count) }
        }
        result.skipped = skippedParts.flatMap { $0 }
        if result.briefs.isEmpty && result.skipped.isEmpty {
            result.skipped.append(SkippedInput(source: relative, reason: "no documents (only blank lines)"))
        }
        return result
    }

    /// Parses the lines of one chunk into `run`; returns what it skipped.
    func parseJSONLines(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int, relative: String, into run: inout BriefRun) -> [SkippedInput] {
        var out = Corpus()
        var lineNo = firstLine
        var start = 0
        let n = bytes.count
        while start < n {
            let end = Self.nextLineBreak(bytes, from: start)
            var line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if let last = line.last, last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            parseJSONLine(line, lineNo: lineNo, relative: relative, into: &out)
            if !out.briefs.isEmpty { run.append(out.briefs.removeLast()) }
            lineNo += 1
            start = end + 1
        }
        return out.skipped
    }

    /// Briefs one parse chunk produced, in memory the run owns until `moveAll` hands them over: growing and handing
    /// over are bitwise moves, never copies (an Array's would retain and release every field).
    struct BriefRun {
        private var base: UnsafeMutablePointer<Brief>
        private(set) var count = 0
        private var capacity: Int

        /// Creates an empty run with room for `capacity` briefs.
        init(capacity: Int) {
            self.capacity = max(16, capacity)
            base = .allocate(capacity: self.capacity)
        }

        /// Appends a brief, doubling the storage when it is full.
        mutating func append(_ brief: Brief) {
            if count == capacity {
                let grown = UnsafeMutablePointer<Brief>.allocate(capacity: capacity * 2)
                grown.moveInitialize(from: base, count: count)
                base.deallocate()
                base = grown
                capacity *= 2
            }
            (base + count).initialize(to: brief)
            count += 1
        }

        /// Moves every brief to `destination` (uninitialised, room for `count`) and frees the storage; returns how
        /// many moved. The run must not be used afterwards.
        mutating func moveAll(to destination: UnsafeMutablePointer<Brief>) -> Int {
            destination.moveInitialize(from: base, count: count)
            base.deallocate()
            let moved = count
            count = 0
            capacity = 0
            return moved
        }
    }

    /// The content hash a state records for a file, and compares a grown file's first bytes with.
    static func contentHash(_ bytes: UnsafeBufferPointer<UInt8>) -> String { String(format: "%016llx", Hashing.bytes(bytes)) }

    /// Offset of a NUL byte in the first 8 KiB, which marks a file as binary (a full read and a grown file's read
    /// both refuse such a file).
    static func binaryStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        firstOffset(of: 0, in: UnsafeBufferPointer(rebasing: bytes.prefix(8192)))
    }

    /// Offset of the first `byte` at or after `start` (memchr: vectorised in libc), or nil.
    static func firstOffset(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count,
              let hit = memchr(base + start, Int32(byte), bytes.count - start) else { return nil }
        return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }

    /// Index of the first line break at or after `start`, or `bytes.count`.
    static func nextLineBreak(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        firstOffset(of: 0x0A, in: bytes, from: start) ?? bytes.count
    }

    /// Number of line breaks in `bytes`.
    static func countLineBreaks(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0, i = nextLineBreak(bytes, from: 0)
        while i < bytes.count { count += 1; i = nextLineBreak(bytes, from: i + 1) }
        return count
    }

    /// File extensions the reader reads (anything else is skipped as "not a corpus file").
    public static let corpusExtensions: Set<String> = ["txt", "text", "jsonl", "ndjson"]

    static let documentKeyNames = ["text", "id", "title", "source", "published", "url", "lang"]
    static let documentKeys = documentKeyNames.map { Array($0.utf8) }
    static let documentKeyIndex = Dictionary(uniqueKeysWithValues: documentKeyNames.enumerated().map { ($1, $0) })

    func parseJSONLine(_ line: UnsafeBufferPointer<UInt8>, lineNo: Int, relative: String, into out: inout Corpus) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        func skip(_ reason: String, recovered: Bool = false) {
            out.skipped.append(SkippedInput(source: relative, line: lineNo, reason: reason, recovered: recovered))
        }
        if line.count > maxLineBytes {
            return skip("line of \(line.count) bytes exceeds the \(maxLineBytes)-byte limit")
        }
        if let nul = Self.firstOffset(of: 0, in: line) { return skip("binary data (NUL byte at column \(nul + 1))") }
        var values: [JSONField?]
        do {
            if let bad = UTF8Check.firstInvalidOffset(line) {
                skip("invalid UTF-8 at column \(bad + 1); decoded the line as Windows-1252", recovered: true)
                var fixed = Array(Windows1252.decode(line).utf8)
                values = try fixed.withUnsafeMutableBufferPointer { try JSONLineScanner.parseFields(UnsafeBufferPointer($0), wanted: Self.documentKeys) }
            } else {
                values = try JSONLineScanner.parseFields(line, wanted: Self.documentKeys)
            }
        } catch let e as JSONLineError {
            return skip("malformed JSON at column \(e.column): \(e.message)")
        } catch {
            return skip("malformed JSON: \(error)")
        }
        // Positions follow `documentKeyNames`; no per-line dictionary.
        func field(_ key: String) -> JSONField? { values[Self.documentKeyIndex[key]!] }
        guard let textField = field("text") else { return skip("document has no \"text\" field") }
        guard case .string(let rawText) = textField else { return skip("\"text\" is not a string") }
        let text = rawText.trimmed
        guard !text.isEmpty else { return skip("\"text\" is empty") }
        var id = "\(relative):\(lineNo)"
        if let f = field("id") {
            if let s = f.stringOrNumber, !s.isEmpty { id = s }
            else if f != .null { return skip("\"id\" is not a string or number") }
        }
        func optionalString(_ key: String) -> String? {
            guard let f = field(key) else { return nil }
            switch f {
            case .string(let s): return s.isEmpty ? nil : s
            case .null: return nil
            default:
                skip("\"\(key)\" is not a string; ignored it", recovered: true)
                return nil
            }
        }
        var published: Date?
        if let p = optionalString("published") {
            published = ISO8601.parse(p)
            if published == nil { skip("\"published\" is not an ISO 8601 time (\(p.prefix(40))); ignored it", recovered: true) }
        }
        var lang: Language?
        if let l = optionalString("lang") { lang = Language(rawValue: String(l.lowercased().prefix(2))) ?? .other }
        out.briefs.append(Brief(id: id, source: relative, line: lineNo, title: optionalString("title"), published: published,
                                lang: lang ?? (guessLanguage ? nil : .other), text: text, outlet: optionalString("source"),
                                url: optionalString("url")))
    }
}

/// UTF-8 validation without decoding (ASCII runs checked eight bytes at a time).
enum UTF8Check {
    /// Offset of the first byte that starts an invalid sequence, or nil when `bytes` is valid UTF-8.
    static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        while i < n {
            if i + 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let len: Int
            var minValue: UInt32
            var v: UInt32
            if b & 0xE0 == 0xC0 { len = 2; minValue = 0x80; v = UInt32(b & 0x1F) }
            else if b & 0xF0 == 0xE0 { len = 3; minValue = 0x800; v = UInt32(b & 0x0F) }
            else if b & 0xF8 == 0xF0 { len = 4; minValue = 0x10000; v = UInt32(b & 0x07) }
            else { return i }
            guard i + len <= n else { return i }
            for k in 1..<len {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i }
                v = v << 6 | UInt32(c & 0x3F)
            }
            if v < minValue || v > 0x10FFFF || (0xD800...0xDFFF).contains(v) { return i }
            i += len
        }
        return nil
    }
}

/// Windows-1252 decoding, the fallback for pages that are not valid UTF-8.
enum Windows1252 {
    static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        s.reserveCapacity(bytes.count)
        for b in bytes {
            let v: UInt32 = (0x80..<0xA0).contains(b) ? high[Int(b) - 0x80] : UInt32(b)
            s.append(Unicode.Scalar(v)!)
        }
        return String(s)
    }
}

/// Minimal ISO 8601 reading and writing in UTC, without Foundation's formatter cost per document.
public enum ISO8601 {
    /// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`; a time without zone is read as UTC.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// `parse` on UTF-8 bytes (no copy: a corpus has one time per brief).
    static func parse(bytes s: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= s.count else { return nil }
            var v = 0
            for k in i..<(i + n) {
                guard s[k] >= 0x30 && s[k] <= 0x39 else { return nil }
                v = v * 10 + Int(s[k] - 0x30)
            }
            i += n
            return v
        }
        func lit(_ c: Unicode.Scalar) -> Bool {
            guard i < s.count, s[i] == UInt8(truncatingIfNeeded: c.value) else { return false }
            i += 1
            return true
        }
        guard let y = num(4), lit("-"), let mo = num(2), lit("-"), let d = num(2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var h = 0, mi = 0, sec = 0.0
        if i < s.count {
            guard lit("T") || lit("t") || lit(" ") else { return nil }
            guard let hh = num(2), lit(":"), let mm = num(2), hh < 24, mm < 60 else { return nil }
            h = hh; mi = mm
            if lit(":") {
                guard let ss = num(2), ss <= 60 else { return nil }
                sec = Double(ss)
                if lit(".") || lit(",") {
                    var scale = 0.1
                    var any = false
                    while i < s.count, s[i] >= 0x30 && s[i] <= 0x39 { sec += Double(s[i] - 0x30) * scale; scale /= 10; i += 1; any = true }
                    guard any else { return nil }
                }
            }
        }
        var offset = 0
        if i < s.count {
            if lit("Z") || lit("z") {
            } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = num(2) else { return nil }
                _ = lit(":")
                guard let om = num(2), oh < 24, om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == s.count else { return nil }
        guard let base = date(year: y, month: mo, day: d, hour: h, minute: mi, second: 0) else { return nil }
        return base.addingTimeInterval(sec - Double(offset))
    }

    /// The UTC date for a civil time (days-from-civil, Howard Hinnant's algorithm).
    public static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return Date(timeIntervalSince1970: Double(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    /// Formats `date` as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).
    public static func format(_ date: Date) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        var days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        days += 719468
        let era = (days >= 0 ? days : days - 146096) / 146097
        let doe = days - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))Z"
    }
}
