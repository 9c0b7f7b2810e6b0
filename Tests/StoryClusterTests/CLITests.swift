import Foundation
import Testing
@testable import StoryCluster

/// End-to-end: runs the built `storycluster` binary and checks its output and exit statuses.
@Suite struct CLITests {
    static let binary = Fixtures.root.appendingPathComponent(".build/debug/storycluster")

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], env: [String: String] = [:], stdin: Data? = nil) throws -> Result {
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
        let input = Pipe()
        p.standardInput = stdin == nil ? FileHandle.nullDevice : input
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func partitionsOnStandardInputReproduceASingleRun() throws {
        // What a distributed driver relies on (issue 18): a partition given on standard input with --source and
        // --first-line gets the ids and answers a run over the whole file gives; sketch and terms describe it.
        let dir = Fixtures.tempDir()
        let a = "Het kabinet trekt extra geld uit voor de dijken langs de grote rivieren, meldt de minister in Den Haag vandaag. Het gaat om honderden miljoenen euro voor de komende tien jaar."
        let b = "De politie heeft in Rotterdam drie mannen aangehouden na een overval op een juwelier in het centrum van de stad."
        let c = "In Groningen is een nieuwe brug over het kanaal geopend, waarmee fietsers sneller van het station naar de binnenstad rijden."
        func line(_ text: String, _ hour: Int) -> String { "{\"text\": \"\(text)\", \"published\": \"2026-03-0\(1 + hour / 24)T\(String(format: "%02d", hour % 24)):00:00Z\"}" }
        let lines = [line(a, 8), line(b, 9), line(a, 10), line(a + " De waterschappen zijn blij met het besluit en willen volgend jaar al beginnen met het werk aan de dijken.", 11), line(c, 12), line(b, 13)]
        let file = Fixtures.write(lines.joined(separator: "\n") + "\n", "c.jsonl", in: dir)
        let whole = try Self.run(["dedup", file.path, "-f", "jsonl", "-q"])
        #expect(whole.status == 0)
        // The grown update (Jaccard under 0.8, contained) joins the first brief's group; the copy of b its own.
        #expect(whole.stdout.contains("\"members\":[\"c.jsonl:1\",\"c.jsonl:3\",\"c.jsonl:4\"]"), "\(whole.stdout)")
        let piped = try Self.run(["dedup", "-", "--source", "c.jsonl", "-f", "jsonl", "-q"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(piped.stdout == whole.stdout)
        let part = try Self.run(["ingest", "-", "--source", "c.jsonl", "--first-line", "4", "-f", "json", "-q"],
                                stdin: Data((lines[3...].joined(separator: "\n") + "\n").utf8))
        #expect(part.stdout.contains("\"c.jsonl:4\"") && part.stdout.contains("\"c.jsonl:6\"") && !part.stdout.contains("\"c.jsonl:3\""), "\(part.stdout)")
        // Sketch: a header naming the settings, then one line per brief; exact copies share their exact key.
        let sketch = try Self.run(["sketch", file.path])
        let records = try sketch.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.count == 7 && (records[0]["dedup"] as? String) == DedupConfig().stateKey)
        let bands = try #require(records[0]["bands"] as? Int)
        #expect(records.dropFirst().allSatisfy { ($0["bands"] as? [Any])?.count == bands })
        #expect((records[1]["exact"] as? Int) == (records[3]["exact"] as? Int) && (records[1]["exact"] as? Int) != (records[2]["exact"] as? Int))
        // Term statistics of the canonical briefs make a run weigh terms exactly as it does on its own.
        let canonical = [lines[0], lines[1], lines[4]].joined(separator: "\n") + "\n"
        let terms = try Self.run(["terms", "-", "-q", "-o", dir.appendingPathComponent("t.tsv").path], stdin: Data(canonical.utf8))
        #expect(terms.status == 0)
        let plain = try Self.run(["run", file.path, "-f", "jsonl", "-q"])
        let weighed = try Self.run(["run", file.path, "-f", "jsonl", "-q", "--term-stats", dir.appendingPathComponent("t.tsv").path])
        #expect(plain.status == 0 && !plain.stdout.isEmpty && weighed.stdout == plain.stdout)
        // Standard input has no files for a state to remember.
        #expect(try Self.run(["run", "-", "--state", dir.appendingPathComponent("s.sqlite").path], stdin: Data(canonical.utf8)).status == 64)
    }

    @Test func runOnTheSampleCorpus() throws {
        let r = try Self.run(["run", "Data/sample"])
        #expect(r.status == 0)
        // The seed page and two later crawls of it: reprints folded (one an update that appended a sentence, below
        // the Jaccard threshold but contained), one event told from several cities.
        #expect(r.stdout.hasPrefix("20 briefs read, 6 duplicates removed, 8 stories"), "\(r.stdout.prefix(200))")
        #expect(r.stdout.contains("(1 updated; first "), "\(r.stdout)")
        #expect(r.stdout.contains("TAMPA") && r.stdout.contains("+1 reprint"))
        let riyad = r.stdout.split(separator: "\n\n").first { $0.contains("[riyad") } ?? ""
        #expect(riyad.contains("4 briefs") && riyad.contains("RIYAD, WASHINGTON"), "\(riyad)")
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
        // Each section once: a second `stories:` block would override the first when the template is read back.
        let sections = defaults.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("#") && $0.hasSuffix(":") }
        #expect(sections.count == Set(sections).count && sections.contains("threads:"), "\(sections)")
        let cfg = Fixtures.write(defaults.stdout.replacingOccurrences(of: "threshold: 0.8 ", with: "threshold: 0.6 "), "c.yaml", in: dir)
        let fromFile = try Self.run(["run", "Data/sample", "--format", "json", "--config", cfg.path])
        #expect(fromFile.stdout.contains("\"dedup\":{\"threshold\":0.6000"))
        let overridden = try Self.run(["run", "Data/sample", "--format", "json", "--config", cfg.path, "--threshold", "0.9"])
        #expect(overridden.stdout.contains("\"dedup\":{\"threshold\":0.9000"))
        let typo = Fixtures.write("dedup:\n  treshold: 0.5\n", "typo.yaml", in: dir)
        let bad = try Self.run(["run", "Data/sample", "--config", typo.path])
        #expect(bad.status == 64 && bad.stderr.contains("dedup.treshold: unknown setting"))
        let twice = Fixtures.write("stories:\n  event_threshold: 0.3\nstories:\n  edge_floor: 0.1\n", "twice.yaml", in: dir)
        let again = try Self.run(["run", "Data/sample", "--config", twice.path])
        #expect(again.status == 64 && again.stderr.contains("stories: section given twice"), "\(again.stderr)")
        let key = Fixtures.write("dedup:\n  threshold: 0.5\n  threshold: 0.9\n", "key.yaml", in: dir)
        let keyTwice = try Self.run(["run", "Data/sample", "--config", key.path])
        #expect(keyTwice.status == 64 && keyTwice.stderr.contains("dedup.threshold: given twice"), "\(keyTwice.stderr)")
    }

    @Test func evalExplainAndTune() throws {
        let eval = try Self.run(["eval", "Data/crawlsim/pages", "--labels", "Data/crawlsim/labels.jsonl", "--field", "dup", "--format", "json"])
        let scores = try JSONSerialization.jsonObject(with: Data(eval.stdout.utf8)) as? [String: Any]
        let pairwise = scores?["pairwise"] as? [String: Any]
        #expect((pairwise?["f1"] as? Double ?? 0) >= 0.98)
        let explain = try Self.run(["explain", "Data/crawlsim/pages", "business/business-20261103-1912.txt#1", "business/business-20261104-0730.txt#1"])
        #expect(explain.stdout.contains("decision: same duplicate group"))
        #expect(explain.stdout.contains("shared shingles:"))
        #expect(explain.stdout.contains("link of the second to the first: copy") || explain.stdout.contains("link of the second to the first: update"))
        // Release notes of two versions: the veto names itself.
        let dir = Fixtures.tempDir()
        let body = (0..<90).map { "woord\($0)" }.joined(separator: " ")
        _ = Fixtures.write("{\"id\": \"v1\", \"text\": \"WSUS Offline Update 11.7. Versie 11.7 is uit. \(body)\"}\n{\"id\": \"v2\", \"text\": \"WSUS Offline Update 11.7.1. Versie 11.7.1 is uit. \(body)\"}\n",
                           "r.jsonl", in: dir)
        let veto = try Self.run(["explain", dir.path, "v1", "v2"])
        #expect(veto.stdout.contains("different version numbers"), "\(veto.stdout.prefix(600)) \(veto.stderr.prefix(300))")
        // The strike (TAMPA) and the drone attack (RIYAD) of the sample: two stories, one thread, and why.
        let thread = try Self.run(["explain", "Data/sample", "anp-buitenland-20261124-0930.txt#2", "anp-buitenland-20261124-0930.txt#3"])
        #expect(thread.stdout.contains("decision: different stories") && thread.stdout.contains("decision: same thread"))
        #expect(thread.stdout.contains("cosine of the two stories' centroids"))
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

/// Every setting at its boundaries, through its flag and through a config file: each value gives a valid run or exit
/// 64 naming the setting, never a crash (the settings table makes the old `precondition` crashes unreachable).
@Suite struct SettingBoundaryTests {
    static func values(_ s: Setting) -> [String] {
        var v = ["0", "1", "-1", "0.5", "1e30", "-1e30", "nan", "inf", "abc", "", "8", "1e400"]
        switch s.kind {
        case .real(let r, _): v += [String(r.lowerBound), String(r.upperBound), String(r.upperBound * 1.0001)]
        case .integer(let r), .optionalInteger(let r): v += [String(r.lowerBound), String(r.upperBound), String(Double(r.upperBound) * 2), "null"]
        case .choice(let words): v += words + ["WORD"]
        case .boolean: v += ["true", "false", "yes"]
        }
        return v
    }

    static func check(_ r: CLITests.Result, _ what: String, _ name: String) {
        // 3 and 4 are runs too: a 1-byte line limit skips every line of the sample, which then holds no briefs.
        #expect([0, 3, 4, 64].contains(r.status), "\(what): exit \(r.status) \(r.stderr.prefix(300))")
        if r.status == 64 { #expect(r.stderr.contains(name), "\(what): the message names the setting: \(r.stderr)") }
    }

    @Test func everyFlagAtItsBoundaries() throws {
        for s in Setting.all {
            guard let flag = s.flag, case let kind = s.kind else { continue }
            if case .boolean = kind { continue }
            for v in Self.values(s) {
                let r = try CLITests.run(["run", "Data/sample", "--format", "json", "--\(flag)=\(v)"])
                Self.check(r, "--\(flag)=\(v)", "--\(flag)")
            }
        }
        for v in ["0x8", "1x0", "129x1", "16x8", "x", "1x1x1", "-1x8", "1e30x1"] {
            Self.check(try CLITests.run(["run", "Data/sample", "--lsh", v]), "--lsh \(v)", "--lsh")
        }
    }

    @Test func everyConfigKeyAtItsBoundaries() throws {
        let dir = Fixtures.tempDir()
        for s in Setting.all {
            for v in Self.values(s) where !v.isEmpty {
                let body = s.key == "dedup.bands" || s.key == "dedup.rows" ? "  bands: \(v)\n  rows: \(v)\n" : "  \(s.name): \(v)\n"
                let file = dir.appendingPathComponent("c.yaml")
                try Data("\(s.section):\n\(body)".utf8).write(to: file)
                let r = try CLITests.run(["dedup", "Data/sample", "--config", file.path])
                Self.check(r, "\(s.key): \(v)", s.section == "dedup" && s.key.hasSuffix("s") && v.contains("x") ? "" : s.key == "dedup.rows" ? "dedup." : s.name)
            }
        }
    }

    @Test func thresholdOneIsAValidRun() throws {
        // Documented as (0, 1]; it used to die on a precondition in the LSH parameter search (exit 132).
        for cmd in ["run", "dedup"] {
            let r = try CLITests.run([cmd, "Data/crawlsim/pages", "--threshold", "1", "--format", "json"])
            #expect(r.status == 0, "\(cmd): \(r.stderr)")
        }
        let r = try CLITests.run(["dedup", "Data/crawlsim/pages", "--threshold", "1"])
        // At 1 only identical shingle sets pair: at least the exact copies the crawl simulation holds.
        #expect(r.stdout.contains("(522 exact)"), "\(r.stdout.prefix(300))")
    }
}

/// Issue #14's user-facing parts: any label field, multi-knob tuning, outlets kept.
@Suite struct LabelFieldAndOutletTests {
    /// Three briefs from two outlets: two on one event, one alone; labels with event and thread fields.
    static func corpus() -> (URL, URL) {
        let dir = Fixtures.tempDir()
        let lines = [
            #"{"id": "a", "source": "nos.nl", "published": "2019-05-12T10:00:00Z", "text": "Brand in kas Naaldwijk: grote rookwolk boven het Westland, brandweer schaalt op naar grote brand."}"#,
            #"{"id": "b", "source": "ad.nl", "published": "2019-05-12T11:00:00Z", "text": "Grote brand in kas in Naaldwijk, rookwolk boven het Westland; brandweer schaalt op."}"#,
            #"{"id": "c", "source": "ad.nl", "published": "2019-05-12T12:00:00Z", "text": "Ajax wint de beker na een spannende finale tegen Willem II in De Kuip."}"#,
        ]
        Fixtures.write(lines.joined(separator: "\n") + "\n", "c.jsonl", in: dir)
        let labels = dir.appendingPathComponent("labels.jsonl")
        try? Data("""
            {"id": "a", "event": "fire", "thread": "fire"}
            {"id": "b", "event": "fire", "thread": "fire"}
            {"id": "c", "event": "cup", "thread": "season"}

            """.utf8).write(to: labels)
        return (dir.appendingPathComponent("c.jsonl"), labels)
    }

    @Test func evalScoresAnyLabelFieldAndRefusesAMissingOne() throws {
        let (c, labels) = Self.corpus()
        for field in ["event", "thread"] {
            let r = try CLITests.run(["eval", c.path, "--labels", labels.path, "--field", field, "--format", "json"])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            #expect(json?["field"] as? String == field && json?["labelled"] as? Int == 3)
        }
        let missing = try CLITests.run(["eval", c.path, "--labels", labels.path, "--field", "evnet"])
        #expect(missing.status == 64 && missing.stderr.contains("no line has a \"evnet\" label"))
    }

    @Test func tuneRunsEveryCombinationOfItsSweeps() throws {
        let (c, labels) = Self.corpus()
        let r = try CLITests.run(["tune", c.path, "--labels", labels.path, "--field", "event",
                                  "--sweep", "stories.threshold=0.5:0.7:0.1", "--sweep", "smoothing=0,3"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("0.") }
        #expect(rows.count == 6, "\(r.stdout)")
        #expect(rows.map { $0.split(separator: " ")[0] } == ["0.5", "0.5", "0.6", "0.6", "0.7", "0.7"])
        let bad = try CLITests.run(["tune", c.path, "--labels", labels.path, "--field", "event", "--sweep", "stories.threshold=0,1"])
        #expect(bad.status == 64 && bad.stderr.contains("stories.threshold"), "\(bad.stderr)")
    }

    @Test func storiesListTheirOutlets() throws {
        let (c, _) = Self.corpus()
        let r = try CLITests.run(["run", c.path, "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let briefs = json?["briefs"] as? [[String: Any]] ?? []
        #expect(briefs.map { $0["outlet"] as? String } == ["nos.nl", "ad.nl", "ad.nl"])
        #expect(briefs.allSatisfy { $0["source"] as? String == "c.jsonl" })
        let stories = json?["stories"] as? [[String: Any]] ?? []
        let outlets = Set(stories.flatMap { $0["outlets"] as? [String] ?? [] })
        #expect(outlets == ["nos.nl", "ad.nl"])
    }
}

/// Issue #16's output findings: `-o` never replaces an input, writes through links, keeps an old report's mode, and a
/// report that cannot be written leaves the state as the night before.
@Suite struct OutputSafetyTests {
    static func corpusCopy() throws -> URL {
        let dir = Fixtures.tempDir()
        try FileManager.default.copyItem(at: Fixtures.root.appendingPathComponent("Data/sample"), to: dir.appendingPathComponent("c"))
        return dir
    }

    @Test func refusesToReplaceInputsDevicesAndFolders() throws {
        let dir = try Self.corpusCopy()
        let c = dir.appendingPathComponent("c").path, state = dir.appendingPathComponent("s.sqlite").path
        let first = try CLITests.run(["run", c, "--state", state])
        #expect(first.status == 0)
        let stateBytes = try Data(contentsOf: URL(fileURLWithPath: state))
        let config = dir.appendingPathComponent("k.yaml").path
        try Data("stories:\n  threshold: 1.1\n".utf8).write(to: URL(fileURLWithPath: config))
        let page = c + "/anp-buitenland-20261124-0930.txt"
        for (args, why) in [(["--state", state, "-o", state], "an input"), (["-o", page], "a file of the corpus"),
                            (["--config", config, "-o", config], "an input"), (["-o", "/dev/null"], "not a regular file"),
                            (["-o", dir.path], "a folder"), (["--state", state, "-o", state + ".lock"], "an input")] {
            let r = try CLITests.run(["run", c] + args)
            #expect(r.status == 64 && r.stderr.contains(why), "\(args): \(r.status) \(r.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: state)) == stateBytes)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("TAMPA"))
        #expect(try String(contentsOfFile: config, encoding: .utf8) == "stories:\n  threshold: 1.1\n")
    }

    @Test func writesThroughLinksAndKeepsTheOldReportsMode() throws {
        let dir = try Self.corpusCopy()
        let c = dir.appendingPathComponent("c").path
        let real = dir.appendingPathComponent("real.json").path, link = dir.appendingPathComponent("link.json").path
        let hard = dir.appendingPathComponent("hard.json").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: real))
        chmod(real, 0o600)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
        #expect(try CLITests.run(["run", c, "-o", link, "--format", "json"]).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.json", "the link stays a link")
        #expect(try String(contentsOfFile: real, encoding: .utf8).hasPrefix("{\"meta\""))
        var st = stat()
        stat(real, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        Foundation.link(real, hard)
        #expect(try CLITests.run(["run", c, "-o", hard, "--format", "csv"]).status == 0)
        #expect(try String(contentsOfFile: real, encoding: .utf8).hasPrefix("id,source"), "a hard link is written through")
    }

    @Test func aReportThatCannotBeWrittenLeavesTheStateAsItWas() throws {
        let dir = try Self.corpusCopy()
        let c = dir.appendingPathComponent("c").path, state = dir.appendingPathComponent("s.sqlite").path
        let failed = try CLITests.run(["run", c, "--state", state, "-o", dir.appendingPathComponent("missing/r.json").path])
        #expect(failed.status == 1 && failed.stderr.contains("cannot write report"))
        let rerun = try CLITests.run(["run", c, "--state", state, "--since-last", "--format", "json"])
        #expect(rerun.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(rerun.stdout.utf8)) as? [String: Any]
        let run = json?["run"] as? [String: Any]
        #expect(run?["run_id"] as? Int == 1 && (run?["new_stories"] as? [String])?.count == 8, "the failed night was rolled back: \(run ?? [:])")
    }

    @Test func aFullStandardOutputIsACleanFailure() throws {
        let p = Process()
        p.executableURL = CLITests.binary
        p.arguments = ["run", "Data/sample"]
        p.currentDirectoryURL = Fixtures.root
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        p.standardError = err
        try p.run()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1 && e.contains("standard output: cannot write report"), "\(p.terminationStatus) \(e)")
    }
}

/// Issue #16's input findings: hostile config files and damaged or misplaced states end cleanly (64 or 5), never
/// with a crash, and a damaged state is never written to.
@Suite struct HostileInputTests {
    @Test func hostileConfigFilesAreUsageErrors() throws {
        let dir = Fixtures.tempDir()
        var laughs = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for i in 0..<9 {
            let name = String(UnicodeScalar(UInt8(98 + i))), prev = String(UnicodeScalar(UInt8(97 + i)))
            laughs += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        let cases: [(String, String)] = [
            ("laughs.yaml", laughs),
            ("complex-key.yaml", "? [a, b] : c\n"),
            ("deep.yaml", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)),
            ("deep.json", String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)),
            ("huge-number.yaml", "reader:\n  max_line_bytes: 1e400\n"),
            ("zero-lsh.yaml", "dedup:\n  bands: 0\n  rows: 0\n"),
            ("tag.yaml", "dedup:\n  threshold: !!float 0.5\n"),
            ("list.yaml", "dedup:\n  threshold: [0.5]\n"),
            ("scalar.yaml", "just text\n"),
        ]
        for (name, body) in cases {
            let file = dir.appendingPathComponent(name)
            try Data(body.utf8).write(to: file)
            let r = try CLITests.run(["run", "Data/sample", "--config", file.path])
            #expect(r.status == 64 && r.stderr.contains(name), "\(name): exit \(r.status) \(r.stderr.prefix(300))")
        }
    }

    @Test func misplacedAndDamagedStatesStopWithStatus5() throws {
        let dir = Fixtures.tempDir()
        let folder = dir.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let r = try CLITests.run(["run", "Data/sample", "--state", folder.path])
        #expect(r.status == 5 && r.stderr.contains("a folder"), "\(r.status) \(r.stderr.prefix(300))")

        for (name, damage, why) in [("lost-rows", "DELETE FROM briefs WHERE rowid % 7 = 0", "where the last run recorded"),
                                    ("null-story", "UPDATE stories SET id = NULL WHERE rowid = (SELECT min(rowid) FROM stories)", "a story without an id")] {
            let state = dir.appendingPathComponent("\(name).sqlite")
            #expect(try CLITests.run(["run", "Data/crawlsim/pages", "--state", state.path]).status == 0)
            try StateTests().sqlite(state, damage)
            let before = try Data(contentsOf: state)
            let damaged = try CLITests.run(["run", "Data/crawlsim/pages", "--state", state.path])
            #expect(damaged.status == 5 && damaged.stderr.contains(why), "\(name): \(damaged.status) \(damaged.stderr.prefix(300))")
            #expect(try Data(contentsOf: state) == before, "\(name): a damaged state is never written to")
        }
    }

    @Test func csvCellsThatASpreadsheetWouldRunAreNeutralised() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            #expect(CSV.quote(cell).hasPrefix("'") || CSV.quote(cell).hasPrefix("\"'"), "\(cell.debugDescription) → \(CSV.quote(cell))")
        }
        #expect(CSV.quote("plain") == "plain")
    }
}

/// Every setting the table gives a flag has one on the command line (the table drives help, parsing and checks).
@Suite struct SettingFlagTests {
    @Test func everyTableFlagIsAccepted() throws {
        let help = try CLITests.run(["run", "--help"]).stdout
        for s in Setting.all {
            guard let flag = s.flag else { continue }
            #expect(help.contains("--\(flag)"), "--\(flag) is in the settings table but not a flag of run")
        }
    }
}

/// Issue #16: a byte flipped inside a brief's stored text (which SQLite reads without complaint) is damage: exit 5,
/// the state untouched, never a report built on the changed text.
@Suite struct FlippedByteTests {
    @Test func aFlippedByteInAStoredBriefStopsTheRun() throws {
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("s.sqlite")
        #expect(try CLITests.run(["run", "Data/sample", "--state", state.path, "-q"]).status == 0)
        var bytes = [UInt8](try Data(contentsOf: state))
        let needle = Array("Revolutionaire Garde, Iraanse luchtverdedigings".utf8)
        let at = try #require((0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        bytes[at] ^= 0x20  // "R" → "r": still valid UTF-8 and valid SQLite, a different text
        try Data(bytes).write(to: state)
        let r = try CLITests.run(["run", "Data/sample", "--state", state.path])
        #expect(r.status == 5 && r.stderr.contains("checksum"), "\(r.status) \(r.stderr.prefix(300))")
        #expect(try Data(contentsOf: state) == Data(bytes), "a damaged state is never written to")
    }
}

/// Issue #16: story rows, each brief's place and the latent story model are sealed (schema 6): a value changed
/// behind storycluster's back is damage (exit 5, the file untouched), found on open for small states and where the
/// rows are read for big ones.
@Suite struct SealedRowsTests {
    @Test func changedStoryRowsPlacesAndModelsStopTheRun() throws {
        let dir = Fixtures.tempDir()
        let cases: [(String, [String], String)] = [
            ("thread", [], "UPDATE stories SET thread = 'tforged' WHERE rowid = (SELECT min(rowid) FROM stories)"),
            ("label", [], "UPDATE stories SET label = 'forged' WHERE rowid = (SELECT max(rowid) FROM stories)"),
            ("place", [], "UPDATE briefs SET story = (SELECT max(id) FROM stories) WHERE rowid = (SELECT min(rowid) FROM briefs)"),
            ("similarity", [], "UPDATE briefs SET similarity = 0.5 WHERE rowid = (SELECT max(rowid) FROM briefs)"),
            ("vector", ["--story-method", "latent"], "UPDATE story_vectors SET size = size + 1 WHERE rowid = (SELECT min(rowid) FROM story_vectors)"),
            ("basis", ["--story-method", "latent"], "UPDATE story_basis_rows SET rows = zeroblob(length(rows))"),
        ]
        for (name, flags, damage) in cases {
            let state = dir.appendingPathComponent("\(name).sqlite")
            #expect(try CLITests.run(["run", "Data/crawlsim/pages", "--state", state.path, "-q"] + flags).status == 0)
            try StateTests().sqlite(state, damage)
            let before = try Data(contentsOf: state)
            let r = try CLITests.run(["run", "Data/crawlsim/pages", "--state", state.path] + flags)
            #expect(r.status == 5 && r.stderr.contains("seal"), "\(name): \(r.status) \(r.stderr.prefix(300))")
            #expect(try Data(contentsOf: state) == before, "\(name): a damaged state is never written to")
        }
    }

    @Test func bigStatesCheckSealsWhereRowsAreRead() throws {
        // Above the size that gets whole-table checks on open (here 0 bytes), the rows a run reads are checked.
        let dir = Fixtures.tempDir()
        let state = dir.appendingPathComponent("s.sqlite")
        let corpus = "Data/crawlsim/pages"
        _ = try Pipeline().run(corpusPath: Fixtures.root.appendingPathComponent(corpus).path, state: StateStore(path: state.path),
                               reader: CorpusReader())
        try StateTests().sqlite(state, "UPDATE stories SET thread = 'tforged' WHERE rowid = (SELECT min(rowid) FROM stories)")
        let store = try StateStore(path: state.path, fullCheckBytes: 0)
        #expect(throws: (any Error).self) {
            _ = try Pipeline().run(corpusPath: Fixtures.root.appendingPathComponent(corpus).path, state: store, reader: CorpusReader())
        }
        #expect(throws: (any Error).self) { _ = try store.storyRows() }
    }
}

/// Issue #16: damaged band keys (what an append night walks duplicate components through) are damage too.
@Suite struct DamagedBandKeysTests {
    @Test func zeroedBandKeysStopAnAppendNight() throws {
        let dir = Fixtures.tempDir()
        let corpus = try StateTests.corpus(40, in: dir)
        let state = dir.appendingPathComponent("s.sqlite")
        #expect(try CLITests.run(["run", corpus.path, "--state", state.path, "-q"]).status == 0)
        try StateTests().sqlite(state, "UPDATE briefs SET band_keys = zeroblob(length(band_keys)) WHERE band_keys IS NOT NULL")
        let before = try Data(contentsOf: state)
        _ = try StateTests.corpus(48, in: dir)
        let night = try CLITests.run(["run", corpus.path, "--state", state.path, "--since-last", "-q"])
        #expect(night.status == 5 && night.stderr.contains("band keys"), "\(night.status) \(night.stderr.prefix(300))")
        #expect(try Data(contentsOf: state) == before)
    }
}
