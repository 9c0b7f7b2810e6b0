// swift-tools-version:6.1
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which differs between clones ("storycluster", "main", …).
let root = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent().lastPathComponent.lowercased()

/// Benchmarks live in their own package so `swift build`/`swift test` of storycluster never build the harness.
let package = Package(
    name: "storycluster-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "StoryClusterBenchmarks",
            dependencies: [
                .product(name: "StoryCluster", package: root),
                .product(name: "LinearAlgebra", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/StoryClusterBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v5)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
