// swift-tools-version:6.0
import PackageDescription

/// Hot kernels (MinHash, tokenising) are written for SIMD; on x86-64 we let the compiler use AVX2 (any x86-64
/// server CPU since 2013), which turns the 16-lane 32-bit multiply-min into single instructions.
#if arch(x86_64)
let simdSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let simdSettings: [SwiftSetting] = []
#endif

/// storycluster: near-duplicate removal and story clustering for news briefs.
///
/// Data flows one way through the `StoryCluster` library's folders
/// (Ingest → Text → Sketch → Dedup → …); only `LinearAlgebra` talks to C.
let package = Package(
    name: "storycluster",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "storycluster", targets: ["StoryClusterCLI"]),
        .library(name: "StoryCluster", targets: ["StoryCluster"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // C boundary: OpenBLAS (cblas) and LAPACKE, found through pkg-config.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLAPACKE",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev"])]
        ),
        // The one thin Swift wrapper over the BLAS/LAPACKE calls we use.
        .target(
            name: "LinearAlgebra",
            dependencies: ["CBLAS", "CLAPACKE"],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(
            name: "StoryCluster",
            dependencies: [
                "LinearAlgebra",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Cluster/README.md"],
            swiftSettings: [.swiftLanguageMode(.v5)] + simdSettings
        ),
        .executableTarget(
            name: "StoryClusterCLI",
            dependencies: [
                "StoryCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(
            name: "StoryClusterTests",
            dependencies: ["StoryCluster", "LinearAlgebra", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
    ]
)
