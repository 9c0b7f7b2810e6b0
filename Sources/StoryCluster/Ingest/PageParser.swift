/// Splits a crawled wire-service page (like ANP's "Meer uit Buitenland") into briefs.
///
/// A dateline — upper-case place words, an optional `, June 17`-style date, agencies in parentheses, then a
/// hyphen, en dash or em dash — opens a brief only at the start of a line or right after a relative-time
/// marker (`31 minuten geleden`, `2 hours ago`, `gisteren`), which is how such pages glue a brief's age to the
/// next dateline. A dateline-like run inside a sentence stays text. Lines before the first dateline are the
/// first brief's title; section lines (`Meer uit …`, `More from …`) belong to no brief; lines after the last
/// brief's time marker are page chrome. A page with no dateline is one brief.
public enum PageParser {
    /// One brief found on a page, before ids and times are attached.
    public struct ParsedBrief: Equatable, Sendable {
        /// Headline lines before the dateline, joined by spaces.
        public var title: String?
        /// Place (and date) of the dateline.
        public var dateline: String?
        /// Agencies from the dateline's parentheses.
        public var agencies: [String]
        /// Age from the relative-time marker that followed the brief.
        public var ageMinutes: Int?
        /// Body text, paragraphs separated by newlines.
        public var text: String
        /// 1-based line where the brief (its title, if any) starts.
        public var line: Int
    }

    /// Parses `page` into briefs in reading order; briefs without any text are dropped and reported in `emptyLines`.
    public static func parse(_ page: String) -> (briefs: [ParsedBrief], emptyLines: [Int]) {
        var briefs: [ParsedBrief] = []
        var empty: [Int] = []
        var current: ParsedBrief?
        var pendingTitle: [String] = []
        var pendingLine = 0
        var sawDateline = false
        var allLines: [(Int, String)] = []

        func close() {
            guard let b = current else { return }
            current = nil
            if b.text.isEmpty { empty.append(b.line) } else { briefs.append(b) }
        }
        func open(_ d: WireMarkers.Dateline, text: String, line: Int) {
            close()
            sawDateline = true
            let title = pendingTitle.isEmpty ? nil : pendingTitle.joined(separator: " ")
            current = ParsedBrief(title: title, dateline: d.place, agencies: d.agencies, ageMinutes: nil,
                                  text: text.trimmed, line: pendingTitle.isEmpty ? line : pendingLine)
            pendingTitle = []
        }
        func addText(_ text: String, line: Int) {
            let t = text.trimmed
            guard !t.isEmpty else { return }
            if current != nil {
                current!.text += current!.text.isEmpty ? t : "\n" + t
            } else {
                if pendingTitle.isEmpty { pendingLine = line }
                pendingTitle.append(t)
            }
        }

        var lineNumber = 0
        for rawLine in page.splitLines() {
            lineNumber += 1
            let line = String(rawLine)
            let trimmed = line.trimmed
            if trimmed.isEmpty { continue }
            allLines.append((lineNumber, trimmed))
            if isSectionLine(trimmed) {
                close()
                pendingTitle = []
                continue
            }
            let scalars = Array(trimmed.unicodeScalars)
            var pos = 0
            if let d = WireMarkers.matchDateline(scalars, at: 0) {
                let next = WireMarkers.nextMarkerSplit(scalars, from: d.end)
                open(d, text: text(scalars[d.end..<(next?.start ?? scalars.count)]), line: lineNumber)
                pos = next?.start ?? scalars.count
            }
            while pos < scalars.count {
                guard let split = WireMarkers.nextMarkerSplit(scalars, from: pos) else {
                    addText(text(scalars[pos...]), line: lineNumber)
                    break
                }
                addText(text(scalars[pos..<split.start]), line: lineNumber)
                if current != nil, current!.ageMinutes == nil { current!.ageMinutes = split.minutes }
                close()
                pendingTitle = []
                if let d = split.dateline {
                    let next = WireMarkers.nextMarkerSplit(scalars, from: d.end)
                    open(d, text: text(scalars[d.end..<(next?.start ?? scalars.count)]), line: lineNumber)
                    pos = next?.start ?? scalars.count
                } else {
                    pos = scalars.count
                }
            }
        }
        close()
        if !sawDateline {
            // No dateline: the page is one brief; a short first line without final punctuation is its headline.
            let lines = allLines.filter { !isSectionLine($0.1) }
            guard let first = lines.first else { return ([], empty) }
            var body = lines
            var title: String?
            if lines.count > 1, first.1.count <= 200, let last = first.1.last, !".!?:;".contains(last) {
                title = first.1
                body.removeFirst()
            }
            let text = body.map(\.1).joined(separator: "\n")
            return ([ParsedBrief(title: title, dateline: nil, agencies: [], ageMinutes: nil, text: text, line: first.0)], empty)
        }
        return (briefs, empty)
    }

    /// Section headings between briefs (`Meer uit Buitenland`, `More from Business`).
    public static func isSectionLine(_ line: String) -> Bool {
        guard line.count <= 60 else { return false }
        let lower = line.lowercased()
        return ["meer uit ", "more from ", "meer over ", "more on "].contains { lower.hasPrefix($0) }
            && !lower.contains(".") && WireMarkers.matchDateline(Array(line.unicodeScalars), at: 0) == nil
    }
}
