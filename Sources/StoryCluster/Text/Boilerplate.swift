import Foundation

/// Removes wire-service boilerplate before shingling, so `TAMPA (ANP/AFP) - X` and `TAMPA (ANP/RTR) - X` are the
/// same text: a leading dateline, a leading byline line, a trailing relative-time marker and a trailing
/// `(Reporting by …)` credit.
public enum Boilerplate {
    /// The text that carries the brief's content, for matching only (never for display).
    public static func strip(_ text: String) -> String {
        var s = text
        var scalars = Array(s.unicodeScalars)
        if let d = PageParser.matchDateline(scalars, at: 0) {
            s = PageParser.substring(scalars, from: d.end)
            scalars = Array(s.unicodeScalars)
        }
        // A byline on the first line: "By Jane Doe" / "Door onze correspondent" (short, no sentence end).
        if let nl = s.firstIndex(of: "\n") {
            let first = s[..<nl]
            let lower = first.lowercased()
            if first.count <= 60, !first.contains("."),
               ["by ", "door ", "van onze ", "from "].contains(where: { lower.hasPrefix($0) }) {
                s = String(s[s.index(after: nl)...])
            }
        }
        // A trailing relative-time marker that survived (e.g. in JSON Lines text).
        scalars = Array(s.unicodeScalars)
        if let split = PageParser.nextMarkerSplit(scalars, from: max(0, scalars.count - 24)), split.dateline == nil {
            s = PageParser.substring(scalars, from: 0, to: split.start)
        }
        // Reuters-style credits at the end: "(Reporting by X; Editing by Y)".
        if s.hasSuffix(")"), let open = s.range(of: "(Reporting by", options: .backwards) ?? s.range(of: "(Additional reporting", options: .backwards) {
            s = String(s[..<open.lowerBound])
        }
        return s
    }
}
