// swift-tools-version: 6.1
// Docket: a MongoDB-style document database in pure Swift.
//
// libbson (Debian `libbson-dev`) is only a test oracle and benchmark baseline. The targets that link it are
// added only when its header is installed, so `swift build` and `swift test` work without it; `.ci/run`
// installs it and checks that the oracle tests really ran.
import Foundation
import PackageDescription

let hasLibBSON = FileManager.default.fileExists(atPath: "/usr/include/libbson-1.0/bson.h")

var targets: [Target] = [
    .target(name: "DocketBSON"),
    .target(name: "Docket", dependencies: ["DocketBSON"]),
    .target(name: "DocketWorkloads", dependencies: ["DocketBSON"]),
    // The shell's language and database surface (mongosh's subset of JavaScript), testable without a terminal.
    .target(name: "DocketShell", dependencies: ["Docket"]),
    .executableTarget(
        name: "docket",
        dependencies: [
            "Docket", "DocketBSON", "DocketWorkloads", "DocketShell",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
    // The workload runner of the benchmarks (Benchmarks/compare/): release-built, see README "Performance".
    .executableTarget(
        name: "docket-bench",
        dependencies: [
            "Docket", "DocketBSON", "DocketWorkloads",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
    // libFuzzer entry points; see README "Fuzzing". They build (and do nothing) in a plain `swift build`.
    .executableTarget(name: "FuzzBSONDecoder", dependencies: ["DocketBSON"], path: "Fuzz/FuzzBSONDecoder"),
    .executableTarget(name: "FuzzExtendedJSON", dependencies: ["DocketBSON"], path: "Fuzz/FuzzExtendedJSON"),
    .executableTarget(name: "FuzzShell", dependencies: ["Docket", "DocketShell"], path: "Fuzz/FuzzShell"),
    // The engine's public entry points, driven by fuzz bytes through the generated-input scenarios.
    .executableTarget(name: "FuzzEngine", dependencies: ["Docket", "DocketTestSupport"], path: "Fuzz/FuzzEngine"),
    // Runnable examples, built by CI so they never rot.
    .executableTarget(name: "BSONBasics", dependencies: ["DocketBSON"], path: "Examples/BSONBasics"),
    .executableTarget(name: "SeedScenario", dependencies: ["Docket"], path: "Examples/SeedScenario"),
    .executableTarget(name: "TeamReport", dependencies: ["Docket", "DocketWorkloads"], path: "Examples/TeamReport"),
    // The engine's benchmarks (issue 3 item 10): insertMany, a full-scan equality find, W4a/W4b `$set` by `_id`, and
    // resident memory per document. They need no libbson, so they exist in every checkout.
    .executableTarget(
        name: "EngineBenchmarks",
        dependencies: ["Docket", "DocketWorkloads", .product(name: "Benchmark", package: "benchmark")],
        path: "Benchmarks/Engine",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .target(name: "DocketTestSupport", dependencies: ["DocketBSON", "Docket"], path: "Tests/DocketTestSupport"),
    .testTarget(
        name: "DocketBSONTests",
        dependencies: ["DocketBSON", "DocketTestSupport", "DocketWorkloads"],
        exclude: ["Golden"]
    ),
    .testTarget(name: "DocketTests", dependencies: ["Docket", "DocketTestSupport", "DocketWorkloads"]),
    .testTarget(name: "DocketCLITests", dependencies: ["Docket", "DocketWorkloads", "DocketTestSupport"]),
    .testTarget(
        name: "DocketShellTests",
        dependencies: ["DocketShell", "Docket", "DocketTestSupport"],
        exclude: ["Transcripts"]
    ),
    .testTarget(
        name: "SpecTests",
        dependencies: ["Docket", "DocketBSON", "DocketTestSupport"],
        exclude: ["Resources"]
    ),
]

if hasLibBSON {
    targets += [
        .systemLibrary(
            name: "CLibBSON",
            path: "Sources/CLibBSON",
            pkgConfig: "libbson-1.0",
            providers: [.apt(["libbson-dev"])]
        ),
        .testTarget(name: "BSONOracleTests", dependencies: ["DocketBSON", "DocketTestSupport", "CLibBSON"]),
        .executableTarget(
            name: "BSONCodec",
            dependencies: [
                "DocketBSON", "DocketWorkloads", "CLibBSON",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/BSONCodec",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
}

let package = Package(
    name: "Docket",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DocketBSON", targets: ["DocketBSON"]),
        .library(name: "Docket", targets: ["Docket"]),
        .library(name: "DocketShell", targets: ["DocketShell"]),
        .executable(name: "docket", targets: ["docket"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: targets
)
