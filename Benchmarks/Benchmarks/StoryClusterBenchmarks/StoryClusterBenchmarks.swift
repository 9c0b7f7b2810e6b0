import Benchmark
import LinearAlgebra
import StoryCluster

/// Stage benchmarks for the dedup hot path: tokenise → shingle + sign → LSH → end-to-end dedup.
let benchmarks: @Sendable () -> Void = {
    dedupBenchmarks()
    storyBenchmarks()
}

/// Dedup-stage benchmarks.
let dedupBenchmarks: @Sendable () -> Void = {
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

/// Story-stage benchmarks: vectorise, SVD, similarity blocks (the kNN search) and clustering, plus raw sgemm
/// throughput on this machine for comparison with the similarity stage.
let storyBenchmarks: @Sendable () -> Void = {
    let briefs = SyntheticCorpus.briefs(count: 20_000)
    let texts = briefs.map(\.text)
    let slow = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 5)

    Benchmark("vectorise (TF-IDF fit), 20k briefs", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(TfidfModel.fit(texts)) }
    }

    let (_, rows) = TfidfModel.fit(texts)
    Benchmark("randomized SVD d=100, 20k briefs", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try RandomizedSVD().embed(rows)) }
    }

    let z = try! RandomizedSVD().embed(rows)
    // 2·n²·d flops: the similarity stage's useful work, so GFLOP/s = 2·n²·d / time.
    Benchmark("similarity blocks + top-30, 20k×20k×100 (80 GFLOP)", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(NearestNeighbours.search(z, k: 30)) }
    }

    // The inverted-file search used above 50k canonical briefs, on the same rows: 19 lists, each row compared with
    // the members of its 8 nearest (≈ 42% of the exact search's pairs) plus k-means and one refinement round.
    Benchmark("partitioned neighbours + top-30, 20k×100 (19 lists, 8 probed)", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(PartitionedNeighbours().search(z, k: 30)) }
    }

    for (rows, columns) in [(512, 8192), (512, 4096), (256, 8192), (1024, 4096), (512, 2048)] {
        Benchmark("similarity tiles \(rows)×\(columns), 20k×20k×100 (80 GFLOP)", configuration: slow) { benchmark in
            let saved = (NearestNeighbours.rowBlock, NearestNeighbours.columnBlock)
            (NearestNeighbours.rowBlock, NearestNeighbours.columnBlock) = (rows, columns)
            defer { (NearestNeighbours.rowBlock, NearestNeighbours.columnBlock) = saved }
            for _ in benchmark.scaledIterations { blackHole(NearestNeighbours.search(z, k: 30)) }
        }
    }

    Benchmark("raw sgemm 4096×4096×100 (3.4 GFLOP), all cores", configuration: slow) { benchmark in
        let a = Matrix(rows: 4096, columns: 100, values: Array(z.values.prefix(4096 * 100)))
        for _ in benchmark.scaledIterations { blackHole(BLAS.multiply(a, a, transposeB: true)) }
    }

    Benchmark("raw sgemm 2048×2048×2048 (17.2 GFLOP), all cores", configuration: slow) { benchmark in
        let a = Matrix(rows: 2048, columns: 2048, repeating: 0.5)
        for _ in benchmark.scaledIterations { blackHole(BLAS.multiply(a, a)) }
    }

    let graph = NearestNeighbours.search(z, k: 30)
    Benchmark("average linkage on the kNN graph, 20k briefs", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(AverageLinkage(threshold: 1.1).cluster(z, graph: graph, hours: Array(repeating: nil, count: z.rows)))
        }
    }
}
