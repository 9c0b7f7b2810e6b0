import Foundation

/// Gold labels in the `labels.jsonl` form: one object per line with `id` and label fields (`story`, `dup`, …).
public struct GoldLabels: Sendable {
    /// Label of each id for the chosen field.
    public var labelOf: [String: String]

    /// Labels given in memory (a user's own, or a test's).
    public init(labelOf: [String: String]) { self.labelOf = labelOf }

    /// Reads `field` from every line of `path`; lines without it are skipped.
    /// - Throws: `StoryClusterError` naming the file and line of the first malformed line, or the field when no line has it.
    public init(path: String, field: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw StoryClusterError("\(path): cannot read labels file") }
        var labels: [String: String] = [:]
        var lineNo = 0
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Void in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                lineNo += 1
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                let fields: [String: JSONField]
                do { fields = try JSONLineScanner.parseObject(line) } catch let error as JSONLineError {
                    throw StoryClusterError("\(path):\(lineNo): malformed JSON at column \(error.column): \(error.message)")
                } catch { throw error }
                guard let id = fields["id"]?.stringOrNumber else { throw StoryClusterError("\(path):\(lineNo): no \"id\"") }
                if let label = fields[field]?.stringOrNumber { labels[id] = label }
            }
        }
        // A misspelt field would otherwise score nothing and report a perfect 1.000.
        guard !labels.isEmpty else { throw StoryClusterError.usage("\(path): no line has a \"\(field)\" label") }
        labelOf = labels
    }

    /// Labels from a dictionary (tests, generated fixtures).
    public init(_ labels: [String: String]) { labelOf = labels }
}
