import Foundation
import StoryCluster

/// Where a report goes: standard output, or a new file written atomically. A report never replaces anything that
/// is not a report: the state, its lock, the config file, a corpus file, a device, a folder or any other non-regular
/// file is refused before anything is written.
struct ReportOutput {
    /// The `-o` argument; nil or `-` is standard output.
    var path: String?
    /// Files a report must never replace (state, config, corpus root), as given on the command line.
    var protected: [String] = []
    /// The corpus root: no corpus file under it may be replaced.
    var corpus: String?

    /// Whether the report goes to standard output.
    var isStandardOutput: Bool { path == nil || path == "-" }

    /// Checks the target before any work is done, so a refused `-o` costs nothing and loses nothing.
    /// - Throws: `StoryClusterError` (`.usage`) naming the target and why it is refused.
    func check() throws {
        guard let path, path != "-" else { return }
        func refuse(_ why: String) -> StoryClusterError { .usage("-o \(Console.escaped(path)): \(why); the report is written only to a new file or over an earlier report") }
        let target = Self.resolved(path)
        var st = stat()
        if lstat(target, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR { throw refuse("is a folder") }
            if kind != S_IFREG { throw refuse("is not a regular file (a device, pipe or socket)") }
            for other in protected where Self.sameFile(target, Self.resolved(other)) {
                throw refuse("is \(Console.escaped(other)), an input of this run")
            }
            if let corpus, Self.isCorpusFile(target, under: Self.resolved(corpus)) { throw refuse("is a file of the corpus") }
        } else if errno != ENOENT {
            throw refuse(String(cString: strerror(errno)))
        }
        for other in protected where Self.resolved(other) == target { throw refuse("is \(Console.escaped(other)), an input of this run") }
    }

    /// Writes `bytes` to standard output, or atomically to the target: a temporary file in the target's folder,
    /// flushed, given the mode and owner of the report it replaces, then renamed over it. A target with other hard
    /// links is rewritten in place, so every link sees the new report.
    /// - Throws: `StoryClusterError` naming the target and the system's reason.
    func write(_ bytes: [UInt8]) throws {
        guard let path, path != "-" else {
            try Self.writeAll(STDOUT_FILENO, bytes, name: "standard output")
            return
        }
        try check()
        let target = Self.resolved(path)
        func fail(_ what: String) -> StoryClusterError {
            StoryClusterError("\(Console.escaped(path)): cannot write report: \(what): \(String(cString: strerror(errno)))")
        }
        var old = stat()
        let exists = lstat(target, &old) == 0
        if exists && old.st_nlink > 1 {
            let fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw fail("open") }
            defer { close(fd) }
            try Self.writeAll(fd, bytes, name: path)
            guard fsync(fd) == 0 else { throw fail("fsync") }
            return
        }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temp = (folder.isEmpty ? "." : folder) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? old.st_mode & 0o7777 : 0o666)
        guard fd >= 0 else { throw fail("create \(Console.escaped(temp))") }
        var done = false
        defer { if !done { unlink(temp) } }
        do {
            try Self.writeAll(fd, bytes, name: path)
            if exists {
                // A report owned by someone else stays theirs, with its mode (the umask applied to the create).
                _ = fchmod(fd, old.st_mode & 0o7777)
                if geteuid() == 0 { _ = fchown(fd, old.st_uid, old.st_gid) }
            }
            guard fsync(fd) == 0 else { throw fail("fsync") }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temp, target) == 0 else { throw fail("rename") }
        done = true
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and interrupts.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], name: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StoryClusterError("\(Console.escaped(name)): cannot write report: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }

    /// The path with every symlink resolved (of the file when it exists, else of its folder), so a report is
    /// written through links and compared by what it names.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard let real = realpath(folder.isEmpty ? "." : folder, nil) else { return path }
        defer { free(real) }
        return String(cString: real) + "/" + name
    }

    /// Whether two paths name the same file (device and inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Whether `target` is the corpus file itself, or a file the corpus reader would read under the corpus folder.
    static func isCorpusFile(_ target: String, under corpus: String) -> Bool {
        if sameFile(target, corpus) { return true }
        guard target.hasPrefix(corpus.hasSuffix("/") ? corpus : corpus + "/") else { return false }
        let ext = (target as NSString).pathExtension.lowercased()
        return CorpusReader.corpusExtensions.contains(ext)
    }
}
