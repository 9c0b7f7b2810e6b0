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
}
