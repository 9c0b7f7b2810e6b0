import Foundation
import Testing
@testable import StoryCluster

@Suite struct CorpusReaderTests {
    @Test func jsonLinesFieldsAndFallbacks() throws {
        let dir = Fixtures.tempDir()
        Fixtures.write("""
        {"id": "a1", "text": "Storm hits the coast", "title": "Storm", "source": "AP", "published": "2014-03-10T16:52:50Z", "url": "http://x", "lang": "en"}
        {"text": "No id here, so the line number names it", "published": "2014-03-10T18:52:50+02:00"}

        {"id": 42, "text": "numeric id \\u00e9\\ud83d\\ude00 \\"quoted\\"", "extra": {"nested": [1, 2, {"x": null}]}}
        """, "docs.jsonl", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.skipped.isEmpty)
        #expect(corpus.briefs.map(\.id) == ["a1", "docs.jsonl:2", "42"])
        let a = corpus.briefs[0]
        #expect(a.title == "Storm" && a.outlet == "AP" && a.url == "http://x" && a.lang == .en)
        #expect(a.published == ISO8601.parse("2014-03-10T16:52:50Z"))
        #expect(corpus.briefs[1].published == ISO8601.parse("2014-03-10T16:52:50Z"))
        #expect(corpus.briefs[2].text == "numeric id é😀 \"quoted\"")
        #expect(corpus.briefs[1].line == 2 && corpus.briefs[2].line == 4)
    }

    @Test func badLinesAreSkippedWithFileAndLine() throws {
        let dir = Fixtures.tempDir()
        var bytes = Array("""
        {"id": "ok1", "text": "first good line"}
        {"id": "broken", "text": "cut short
        {"id": "notext", "title": "nothing else"}
        {"id": "ok1", "text": "duplicate id"}
        [1, 2, 3]
        {"id": "badtype", "text": 17}

        """.utf8)
        bytes += Array(#"{"id": "latin", "text": "Caf"#.utf8) + [0xE9] + Array(#" au lait"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": "ok2", "text": "last good line"}"#.utf8)
        Fixtures.write(bytes, "docs.ndjson", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.map(\.id) == ["ok1", "latin", "ok2"])
        #expect(corpus.briefs[1].text == "Café au lait")
        let byLine = Dictionary(grouping: corpus.skipped, by: { $0.line ?? 0 })
        #expect(byLine[2]?.first?.reason.contains("malformed JSON") == true)
        #expect(byLine[3]?.first?.reason.contains("no \"text\"") == true)
        #expect(byLine[4]?.first?.reason.contains("duplicate id \"ok1\"") == true)
        #expect(byLine[5]?.first?.reason.contains("expected a JSON object") == true)
        #expect(byLine[6]?.first?.reason.contains("not a string") == true)
        #expect(byLine[7]?.first?.recovered == true)
        #expect(corpus.skipped.allSatisfy { $0.source == "docs.ndjson" })
        #expect(corpus.hasLosses)
    }

    @Test func canonicallyEqualIdsAreDuplicatesAcrossFilesAndChunks() throws {
        // Ids are compared as Swift strings: "é" and "e" + U+0301, "K" and the Kelvin sign U+212A are the same id,
        // whether the second copy is in the same file, a later file, or a later chunk of a file read in parallel.
        let dir = Fixtures.tempDir()
        Fixtures.write("{\"id\": \"caf\\u00e9\", \"text\": \"first\"}\n{\"id\": \"K\", \"text\": \"first K\"}\n", "a.jsonl", in: dir)
        Fixtures.write("{\"id\": \"cafe\\u0301\", \"text\": \"second\"}\n{\"id\": \"\\u212a\", \"text\": \"second K\"}\n{\"id\": \"z\", \"text\": \"kept\"}\n", "b.jsonl", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.map(\.text) == ["first", "first K", "kept"])
        #expect(corpus.skipped.map(\.line) == [1, 2])
        #expect(corpus.skipped.allSatisfy { $0.source == "b.jsonl" && $0.reason.contains("first seen at a.jsonl:") })

        var big = ""
        for i in 0..<40_000 { big += "{\"id\": \"n\(i)\", \"text\": \"brief number \(i) with some words to make the line longer than usual\"}\n" }
        big += "{\"id\": \"n\\u0301\", \"text\": \"x\"}\n{\"id\": \"n17\", \"text\": \"repeat of an early id, read by a later chunk\"}\n"
        Fixtures.write(big, "c.jsonl", in: dir)
        var reader = CorpusReader()
        reader.parallelThreshold = 1 << 16
        let many = try reader.read(dir.appendingPathComponent("c.jsonl").path)
        #expect(many.briefs.count == 40_001)
        #expect(many.skipped.count == 1 && many.skipped[0].line == 40_002 && many.skipped[0].reason.contains("first seen at c.jsonl:18"))
    }

    @Test func blankLinesCostNoMemoryPerLine() throws {
        // One brief slot was once reserved per line: 20 MB of line breaks must still read as "only blank lines".
        let dir = Fixtures.tempDir()
        Fixtures.write([UInt8](repeating: 0x0A, count: 20 << 20), "blank.jsonl", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.isEmpty && corpus.briefs.capacity < 1 << 16)
        #expect(corpus.skipped.map(\.reason) == ["no documents (only blank lines)"])
    }

    @Test func overlongLineIsSkippedAndTheRestRead() throws {
        let dir = Fixtures.tempDir()
        var bytes = Array(#"{"id": "before", "text": "short"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": "huge", "text": ""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20) + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id": "after", "text": "short too"}"#.utf8)
        Fixtures.write(bytes, "big.jsonl", in: dir)
        // A page with a 50 MB single line: the line goes, the page's other briefs stay.
        var page = Array("PARIS (AFP) - Kept brief.\n".utf8)
        page += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20) + [0x0A]
        page += Array("1 hour agoROME (AFP) - Also kept.\n2 hours ago".utf8)
        Fixtures.write(page, "page.txt", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.map(\.id) == ["before", "after", "page.txt#1", "page.txt#2"])
        #expect(corpus.briefs[2].text == "Kept brief.")
        #expect(corpus.skipped.count == 2)
        #expect(corpus.skipped[0].line == 2 && corpus.skipped[0].reason.contains("exceeds"))
        #expect(corpus.skipped[1].source == "page.txt" && corpus.skipped[1].line == 2)
    }

    @Test func binaryEmptyUnreadableAndUnknownFiles() throws {
        let dir = Fixtures.tempDir()
        Fixtures.write([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01, 0xFF], "image.txt", in: dir)
        Fixtures.write([], "empty.jsonl", in: dir)
        Fixtures.write("notes", "notes.csv", in: dir)
        Fixtures.write("PARIS (AFP) - Fine.", "good.txt", in: dir)
        Fixtures.write("ignored", ".hidden.txt", in: dir)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("gone.txt").path, withDestinationPath: "/nonexistent/target")
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.map(\.id) == ["good.txt#1"])
        let reasons = Dictionary(uniqueKeysWithValues: corpus.skipped.map { ($0.source, $0.reason) })
        #expect(reasons["image.txt"]?.contains("binary") == true)
        #expect(reasons["empty.jsonl"] == "empty file")
        #expect(reasons["notes.csv"]?.contains("not a corpus file") == true)
        #expect(reasons["gone.txt"]?.contains("unreadable") == true)
        #expect(reasons[".hidden.txt"] == nil)
        // A directory that cannot be read as a file (EISDIR) is unreadable, not a crash.
        let odd = dir.appendingPathComponent("folder.txt")
        try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
        let one = CorpusReader().readFile(odd, relative: "folder.txt")
        #expect(one.skipped.first?.reason.hasPrefix("unreadable") == true)
    }

    @Test func invalidUTF8PageDecodesAsWindows1252WithWarning() throws {
        let dir = Fixtures.tempDir()
        Fixtures.write(Array("DEN HAAG (ANP) - Caf".utf8) + [0xE9, 0x20, 0x80] + Array(" prijs.".utf8), "p.txt", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.first?.text == "Café € prijs.")
        #expect(corpus.skipped.count == 1 && corpus.skipped[0].recovered && corpus.skipped[0].line == 1)
        #expect(!corpus.hasLosses)
    }

    @Test func emptyCorpusAndMissingPath() throws {
        let dir = Fixtures.tempDir()
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.isEmpty && corpus.filesRead == 0)
        #expect(throws: StoryClusterError.self) { try CorpusReader().read(dir.appendingPathComponent("nope").path) }
    }

    @Test func linkLoopsAreWalkedOnceAndEachFileReadOnce() throws {
        // Two links to `.` and one to `..` used to make the walk exponential (3.2 GB after 120 s) or read every
        // page many times.
        let dir = Fixtures.tempDir()
        let corpus = dir.appendingPathComponent("c")
        Fixtures.write("PARIS (AFP) - One brief about a strike.", "a.txt", in: corpus)
        Fixtures.write("BERLIN (DPA) - Another brief about a vote.", "sub/b.txt", in: corpus)
        try FileManager.default.createSymbolicLink(atPath: corpus.path + "/self1", withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: corpus.path + "/self2", withDestinationPath: ".")
        try FileManager.default.createSymbolicLink(atPath: corpus.path + "/sub/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: corpus.path + "/alias.txt", withDestinationPath: "a.txt")
        let read = try CorpusReader().read(corpus.path)
        #expect(read.briefs.map(\.id).sorted() == ["a.txt#1", "sub/b.txt#1"])
        #expect(read.skipped.count == 4 && read.skipped.allSatisfy(\.recovered), "\(read.skipped)")
        #expect(read.skipped.contains { $0.source == "alias.txt" && $0.reason.contains("same file as a.txt") })
        #expect(!read.hasLosses)
    }

    @Test func fileNamesThatAreNotUTF8AreReadWithEscapedNames() throws {
        let dir = Fixtures.tempDir()
        var path = Array(dir.path.utf8) + Array("/bad".utf8) + [0xFF, 0x01] + Array(".txt".utf8)
        path.append(0)
        let fd = path.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        let text = Array("ROME (ANSA) - A brief in a badly named file.".utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        close(fd)
        let read = try CorpusReader().read(dir.path)
        #expect(read.briefs.map(\.id) == ["bad\\xFF\\x01.txt#1"], "\(read.briefs.map(\.id)) \(read.skipped)")
        #expect(read.skipped.isEmpty)
    }

    @Test func sortedPathOrderIsByteWise() throws {
        let dir = Fixtures.tempDir()
        Fixtures.write(#"{"text": "b"}"#, "a/b.jsonl", in: dir)
        Fixtures.write(#"{"text": "dot"}"#, "a.jsonl", in: dir)
        Fixtures.write(#"{"text": "Z"}"#, "Z.jsonl", in: dir)
        let corpus = try CorpusReader().read(dir.path)
        #expect(corpus.briefs.map(\.id) == ["Z.jsonl:1", "a.jsonl:1", "a/b.jsonl:1"])
    }

    @Test func parallelChunksMatchSequentialRead() throws {
        let dir = Fixtures.tempDir()
        var text = ""
        for i in 0..<3000 { text += #"{"id": "d\#(i)", "text": "brief number \#(i) about something"}"# + "\n" }
        text += "not json\n"
        let url = Fixtures.write(text, "many.jsonl", in: dir)
        var parallel = CorpusReader()
        parallel.parallelThreshold = 1
        let a = parallel.readFile(url, relative: "many.jsonl")
        let b = CorpusReader().readFile(url, relative: "many.jsonl")
        #expect(a.briefs == b.briefs)
        #expect(a.skipped == b.skipped && a.skipped.first?.line == 3001)
    }

    @Test func fuzzedBytesAndTruncatedPagesNeverCrashOrInvent() throws {
        let seed = try String(contentsOf: Fixtures.seedPage, encoding: .utf8)
        let seedBytes = Array(seed.utf8)
        let dir = Fixtures.tempDir()
        for s in 0..<200 {
            var rng = SeededRNG(seed: UInt64(s))
            // Truncated page: every brief's text must come from the page itself.
            let cut = Int.random(in: 0...seedBytes.count, using: &rng)
            let url = Fixtures.write(Array(seedBytes[0..<cut]), "t\(s).txt", in: dir)
            let truncated = CorpusReader().readFile(url, relative: "t.txt")
            let shown = String(decoding: seedBytes[0..<cut], as: UTF8.self)
            for b in truncated.briefs {
                for para in b.text.split(separator: "\n") { #expect(shown.contains(para), "seed \(s): invented text") }
            }
            // Random bytes, with and without NULs, as page and as JSON Lines.
            let n = Int.random(in: 0..<2048, using: &rng)
            var junk = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if s % 2 == 0 { junk = junk.map { $0 == 0 ? 1 : $0 } }
            for ext in ["txt", "jsonl"] {
                let f = Fixtures.write(junk, "j\(s).\(ext)", in: dir)
                let c = CorpusReader().readFile(f, relative: "j.\(ext)")
                #expect(c.briefs.count + c.skipped.count >= (n == 0 ? 1 : 0), "seed \(s)")
            }
        }
    }

    @Test func ecbPlusReadsAllDocuments() throws {
        let path = Fixtures.root.appendingPathComponent("Data/ecbplus/corpus.jsonl").path
        try #require(FileManager.default.fileExists(atPath: path), "Data/ecbplus missing")
        let corpus = try CorpusReader().read(path)
        #expect(corpus.briefs.count == 982 && corpus.skipped.isEmpty)
        #expect(corpus.briefs.filter { $0.lang == .en }.count >= 950)
    }
}
