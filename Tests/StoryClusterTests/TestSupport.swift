import Foundation
@testable import StoryCluster

/// Paths and helpers shared by the tests.
enum Fixtures {
    /// The repository root (two levels above this file's folder).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The bundled sample corpus.
    static let sample = root.appendingPathComponent("Data/sample")
    /// The seed page copy in the sample corpus.
    static let seedPage = sample.appendingPathComponent("anp-buitenland-20261124-0930.txt")

    /// A fresh temporary folder for one test.
    static func tempDir(_ name: String = #function) -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("storycluster-tests-\(safe)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to `dir/name`, creating folders.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in dir: URL) -> URL {
        let url = dir.appendingPathComponent(name)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: url)
        return url
    }

    /// Writes a UTF-8 string to `dir/name`.
    @discardableResult
    static func write(_ text: String, _ name: String, in dir: URL) -> URL { write(Array(text.utf8), name, in: dir) }
}

/// SplitMix64: a tiny seeded generator so every randomised test names the seed that failed.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
