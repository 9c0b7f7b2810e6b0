// swift-tools-version:6.0
import PackageDescription

/// Hot kernels (MinHash, tokenising) are written for SIMD. By default the package builds for the baseline CPU of
/// its platform, so it works as a dependency of other packages and runs on any x86-64 CPU. Setting
/// `STORYCLUSTER_TARGET_CPU` (e.g. `haswell`, or `native`) at build time lets the compiler use that CPU's vector
/// instructions (AVX2 turns the 16-lane 32-bit multiply-min into single instructions); `.ci/quickstart` sets it
/// to `haswell` when the build machine has AVX2. A binary built that way needs such a CPU.
let targetCPU = Context.environment["STORYCLUSTER_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
let simdSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

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
