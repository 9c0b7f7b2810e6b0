import Foundation
import Testing
@testable import StoryCluster

@Suite struct JSONWriterTests {
    /// Reports are compared byte for byte between runs and versions, so the fast number path must print what
    /// `String(format:)` prints, for every value it accepts (ties and huge values go to the formatter).
    @Test func fixedDecimalsMatchPrintf() {
        var rng = SeededRNG(seed: 11)
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 0.125, 0.00005, -0.00004, 0.99995, 0.999949, 1e14, -123.456789, 2.5, 0.8, 0.85]
        for _ in 0..<20_000 {
            let magnitude = pow(10, Double(Int.random(in: -6...12, using: &rng)))
            values.append(Double.random(in: -1...1, using: &rng) * magnitude)
            values.append(Double(Int.random(in: 0...100_000, using: &rng)) / Double([8, 16, 10_000, 3, 7][Int.random(in: 0..<5, using: &rng)]))
        }
        for digits in [0, 1, 2, 4, 6] {
            for v in values {
                var w = JSONWriter()
                w.double(v, digits: digits)
                #expect(String(decoding: w.bytes, as: UTF8.self) == String(format: "%.\(digits)f", v), "\(v) with \(digits) digits")
            }
        }
    }

    /// Strings are escaped as JSON wants, whatever they hold: a parser reads back the very string written.
    @Test func stringsRoundTripThroughAJSONParser() throws {
        var rng = SeededRNG(seed: 5)
        let pieces = ["a", "é", "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "€", "𝄞", " ", "/", "ĳ", "\u{2028}"]
        for _ in 0..<2_000 {
            let text = (0..<Int.random(in: 0...40, using: &rng)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &rng)] }.joined()
            var w = JSONWriter()
            w.beginArray(); w.string(text); w.endArray()
            let back = try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String]
            #expect(back == [text], "\(text.debugDescription)")
        }
    }
}
