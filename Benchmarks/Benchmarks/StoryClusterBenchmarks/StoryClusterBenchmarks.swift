import Benchmark
import StoryCluster

/// Stage benchmarks for the dedup hot path: tokenise → shingle + sign → LSH → end-to-end dedup.
let benchmarks: @Sendable () -> Void = {
    let briefs = SyntheticCorpus.briefs(count: 20_000)
    let texts = briefs.map(\.text)
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .kilo,
        maxDuration: .seconds(5),
        maxIterations: 20
    )

    Benchmark("tokenise 1k briefs", configuration: config) { benchmark in
        for _ in benchmark.scaledIterations {
            var tokens = 0
            for t in texts.prefix(1000) { TextNormalizer.forEachToken(in: t) { _ in tokens += 1 } }
            blackHole(tokens)
        }
    }

    Benchmark("shingle+sign 1k briefs (k=128)", configuration: config) { benchmark in
        let hasher = MinHasher(permutations: 128)
        var shingler = Shingler()
        var buffer: [UInt64] = []
        var signature = [UInt32](repeating: 0, count: 128)
        for _ in benchmark.scaledIterations {
            for t in texts.prefix(1000) {
                buffer.removeAll(keepingCapacity: true)
                shingler.shingles(of: t, into: &buffer)
                buffer.withUnsafeBufferPointer { s in signature.withUnsafeMutableBufferPointer { hasher.sign(s, into: $0.baseAddress!) } }
            }
            blackHole(signature)
        }
    }

    let batch = Deduplicator().sketch(texts)
    let lsh = LSHParams.optimal(threshold: 0.8, permutations: 128)
    Benchmark("LSH band keys + candidates, 20k briefs", configuration: Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(5), maxIterations: 20)) { benchmark in
        for _ in benchmark.scaledIterations {
            var keys = [UInt64](repeating: 0, count: batch.count * lsh.bands)
            keys.withUnsafeMutableBufferPointer { out in
                batch.signatures.withUnsafeBufferPointer { sig in
                    for i in 0..<batch.count { lsh.bandKeys(sig.baseAddress! + i * 128, into: out.baseAddress! + i * lsh.bands) }
                }
            }
            blackHole(CandidateFinder.pairs(keys: keys, count: batch.count, bands: lsh.bands))
        }
    }

    Benchmark("end-to-end dedup, 20k briefs", configuration: Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(Deduplicator().run(briefs))
        }
    }
}
