import Foundation
import Testing
@testable import StoryCluster

/// End-to-end: runs the built `storycluster` binary and checks its output and exit statuses.
@Suite struct CLITests {
    static let binary = Fixtures.root.appendingPathComponent(".build/debug/storycluster")

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], env: [String: String] = [:]) throws -> Result {
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the CLI first (swift build)")
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = Fixtures.root
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func runOnTheSampleCorpus() throws {
        let r = try Self.run(["run", "Data/sample"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("8 briefs read, 0 duplicates removed, 8 stories"))
        #expect(!r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        #expect(r.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 }, "lines fit 100 columns")
        let limited = try Self.run(["run", "Data/sample", "--limit", "2"])
        #expect(limited.stdout.contains("… 6 more stories"))
    }

    @Test func exitStatuses() throws {
        let dir = Fixtures.tempDir()
        Fixtures.write("PARIS (AFP) - Fine brief.", "ok.txt", in: dir)
        Fixtures.write("{not json", "bad.jsonl", in: dir)
        let partial = try Self.run(["run", dir.path, "--format", "json"])
        #expect(partial.status == 3)
        #expect(partial.stderr.contains("bad.jsonl:1: skipped: malformed JSON"))
        let empty = Fixtures.tempDir()
        #expect(try Self.run(["run", empty.path]).status == 4)
        #expect(try Self.run(["run", empty.appendingPathComponent("missing").path]).status == 1)
        #expect(try Self.run(["run", "Data/sample", "--threshold", "2"]).status == 64)
        #expect(try Self.run(["run", "Data/sample", "--bogus"]).status == 64)
    }

    @Test func csvHasOneRowPerBriefWithStoryAndCanonical() throws {
        let r = try Self.run(["run", "Data/crawlsim/pages", "--format", "csv"])
        #expect(r.status == 0)
        let rows = CSVTestParser.parse(r.stdout)
        #expect(rows.first?.prefix(3) == ["id", "source", "line"])
        #expect(rows.count == 697)
        let header = rows[0]
        let story = header.firstIndex(of: "story_id")!, canonical = header.firstIndex(of: "canonical_id")!, text = header.firstIndex(of: "text")!
        #expect(rows.dropFirst().allSatisfy { $0.count == header.count && $0[story].hasPrefix("s") && !$0[canonical].isEmpty })
        #expect(rows.dropFirst().contains { $0[text].contains("\n") }, "multi-line texts survive quoting")
    }

    @Test func outputFileIsWrittenAtomically() throws {
        let dir = Fixtures.tempDir()
        let target = dir.appendingPathComponent("report.json")
        let r = try Self.run(["run", "Data/sample", "--format", "json", "-o", target.path])
        #expect(r.status == 0 && r.stdout.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: target)) as? [String: Any]
        #expect((json?["stories"] as? [Any])?.count == 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.json"], "no temporary file left behind")
    }

    @Test func configFileAndFlagsOverrideIt() throws {
        let dir = Fixtures.tempDir()
        let defaults = try Self.run(["config", "--print-defaults"])
        #expect(defaults.stdout.contains("threshold: 0.8") && defaults.stdout.contains("threshold: 1.1"))
        let cfg = Fixtures.write(defaults.stdout.replacingOccurrences(of: "threshold: 0.8 ", with: "threshold: 0.6 "), "c.yaml", in: dir)
        let fromFile = try Self.run(["run", "Data/sample", "--format", "json", "--config", cfg.path])
        #expect(fromFile.stdout.contains("\"dedup\":{\"threshold\":0.6000"))
        let overridden = try Self.run(["run", "Data/sample", "--format", "json", "--config", cfg.path, "--threshold", "0.9"])
        #expect(overridden.stdout.contains("\"dedup\":{\"threshold\":0.9000"))
        let typo = Fixtures.write("dedup:\n  treshold: 0.5\n", "typo.yaml", in: dir)
        let bad = try Self.run(["run", "Data/sample", "--config", typo.path])
        #expect(bad.status == 64 && bad.stderr.contains("dedup.treshold: unknown setting"))
    }

    @Test func evalExplainAndTune() throws {
        let eval = try Self.run(["eval", "Data/crawlsim/pages", "--labels", "Data/crawlsim/labels.jsonl", "--field", "dup", "--format", "json"])
        let scores = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any]
        let pairwise = scores?["pairwise"] as? [String: Any]
        #expect((pairwise?["f1"] as? Double ?? 0) >= 0.98)
        let explain = try Self.run(["explain", "Data/crawlsim/pages", "business/business-20261103-1912.txt#1", "business/business-20261104-0730.txt#1"])
        #expect(explain.stdout.contains("decision: same duplicate group"))
        #expect(explain.stdout.contains("shared shingles:"))
        let unknown = try Self.run(["explain", "Data/sample", "nope", "anp-buitenland-20261124-0930.txt#1"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no brief with id nope"))
        let tune = try Self.run(["tune", "Data/crawlsim/pages", "--labels", "Data/crawlsim/labels.jsonl", "--field", "dup"])
        #expect(tune.stdout.contains("best B-cubed F1"))
        #expect(tune.stdout.split(separator: "\n").count >= 11)
    }
}

/// A small RFC 4180 reader for the CSV test (quoted fields, doubled quotes, CRLF).
enum CSVTestParser {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\r\n" || c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(c) }
            i = text.index(after: i)
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
