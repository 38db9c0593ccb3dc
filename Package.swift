// swift-tools-version:6.1
// curate: a corpus curation and quality-ranking pipeline.
// The module graph follows the pipeline: each stage depends on Core and Store, never on a sibling stage;
// the `curate` executable is the only place that wires stages together.
import PackageDescription

// Test code is not where the time goes: compiled without optimisation even in the release builds the
// test scripts use, it builds in less time.
let testSettings: [SwiftSetting] = [.unsafeFlags(["-Onone"])]
// The test scripts' build (scripts/env.sh sets CURATE_TEST_BUILD) also leaves unoptimised the modules
// whose code is glue, not hot loops: the command line (the largest module to optimise, ~60 CPU-s of a
// ~400 CPU-s build), the report and the fuzz runner. A plain release build optimises everything.
let glueSettings: [SwiftSetting] = Context.environment["CURATE_TEST_BUILD"] == nil ? [] : [.unsafeFlags(["-Onone"])]

let package = Package(
    name: "curate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "curate", targets: ["curate"]),
        .executable(name: "curate-fuzz", targets: ["CurateFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: System libraries (Debian: libsqlite3-dev, libzstd-dev, zlib1g-dev, libxxhash-dev)
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // SHA-256 of the export shards from the system's OpenSSL (libssl-dev): swift-crypto compiled its own
        // BoringSSL, about half of a clean build's CPU time.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // ICU through a C shim: Swift cannot import ICU's headers beside Foundation's own ICU.
        .target(
            name: "CICUShim",
            linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n"), .linkedLibrary("icudata")]
        ),

        // MARK: Pipeline modules
        .target(name: "Core", dependencies: ["CZstd", "CXXHash"]),
        .target(
            name: "Store",
            dependencies: ["Core", "CSQLite"],
            plugins: [.plugin(name: "EmbedFiles")]
        ),
        // Text analysis shared by the stages that read text (filters, lm, dedup), like Core.
        .target(name: "Text", dependencies: ["Core", "CICUShim", "CXXHash"]),
        // The one driver of every per-document measure: each document read, decompressed and analysed once.
        .target(name: "ScorePass", dependencies: ["Core", "Store", "Text"]),
        .target(name: "Ingest", dependencies: ["Core", "Store", "CZlib", "CZstd"]),
        // A cache prefetch hint for the n-gram model's lookups.
        .target(name: "CPrefetch"),
        .target(name: "LM", dependencies: ["Core", "Store", "Text", "ScorePass", "CPrefetch"]),
        .target(name: "Overlap", dependencies: ["Core", "Store", "Text"]),
        // Learned quality: hashed n-gram features, linear models (logistic, least squares, Bradley–Terry).
        .target(name: "Quality", dependencies: ["Core", "Store", "Text", "ScorePass", "CXXHash"]),
        .target(name: "Combined", dependencies: ["Core", "Store", "Text", "Filters", "LM", "Quality", "CXXHash"]),
        // The MinHash inner loop in C, for AVX2 with a run-time check (see its header comment).
        .target(name: "CMinHash"),
        .target(name: "Dedup", dependencies: ["Core", "Store", "Text", "Config", "ScorePass", "CMinHash"]),
        .target(
            name: "Export",
            dependencies: ["Core", "Store", "Text", "Config", "CLibCrypto"]
        ),
        // Strict reading of YAML settings files (pipelines, threshold profiles).
        .target(name: "Config", dependencies: ["Core", "Yams"]),
        .target(
            name: "Filters",
            dependencies: ["Core", "Store", "Text", "Config", "ScorePass", "Yams"],
            plugins: [.plugin(name: "EmbedFiles")]
        ),
        // The built-in trainer: byte-level BPE and a small GPT on OpenBLAS.
        .target(name: "CTrainKernels"),
        .target(name: "Train", dependencies: ["Core", "Config", "CBLAS", "CTrainKernels"]),
        // Data-parallel training on OpenMPI (Debian: libopenmpi-dev, openmpi-bin): the calls behind a C
        // bridge (OpenMPI's handles are macros Swift cannot import) and the Collective Train sums through.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPIBridge", dependencies: ["CMPI"]),
        .target(name: "Distributed", dependencies: ["Train", "CMPIBridge"]),
        .target(name: "Report", dependencies: ["Core", "Store"], swiftSettings: glueSettings),
        // Fuzz targets for the parsers of user bytes; a replay runner unless built with -DFUZZING (scripts/fuzz.sh).
        .executableTarget(name: "CurateFuzz", dependencies: ["Config", "Dedup", "Export", "Filters", "Ingest", "LM", "Train"],
                          swiftSettings: glueSettings),
        .executableTarget(
            name: "curate",
            dependencies: [
                "Core", "Store", "Text", "ScorePass", "Ingest", "Filters", "LM", "Overlap", "Quality", "Combined", "Dedup", "Export", "Train", "Distributed", "Report", "Config", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: glueSettings
        ),

        // MARK: Build tooling: sql/*.sql and pipelines/profiles/*.yaml are compiled into the binary.
        .executableTarget(name: "embed-files", path: "Tools/embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),

        // MARK: Tests
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: testSettings),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "Core", "CZlib"], swiftSettings: testSettings),
        .testTarget(name: "TextTests", dependencies: ["Text", "Core"], swiftSettings: testSettings),
        .testTarget(name: "LMTests", dependencies: ["LM", "Text", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "QualityTests", dependencies: ["Quality", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "OverlapTests", dependencies: ["Overlap", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "DedupTests", dependencies: ["Dedup", "CMinHash", "Ingest", "Text", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Dedup", "Ingest", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "TrainTests", dependencies: ["Train", "Core"], swiftSettings: testSettings),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Core"], swiftSettings: testSettings),
        .testTarget(name: "FiltersTests", dependencies: ["Filters", "Text", "Store", "Core"], swiftSettings: testSettings),
        .testTarget(name: "CLITests", dependencies: ["curate", "CurateFuzz", "Store", "Core", "LM", "Train"], swiftSettings: testSettings),
    ]
)
