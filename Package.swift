// swift-tools-version:6.1
// curate: a corpus curation and quality-ranking pipeline.
// The module graph follows the pipeline: each stage depends on Core and Store, never on a sibling stage;
// the `curate` executable is the only place that wires stages together.
import PackageDescription

let package = Package(
    name: "curate",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "curate", targets: ["curate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: System libraries (Debian: libsqlite3-dev, libzstd-dev, zlib1g-dev, libxxhash-dev)
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CXXHash", pkgConfig: "libxxhash", providers: [.apt(["libxxhash-dev"])]),

        // MARK: Pipeline modules
        .target(name: "Core", dependencies: ["CZstd", "CXXHash"]),
        .target(
            name: "Store",
            dependencies: ["Core", "CSQLite"],
            plugins: [.plugin(name: "EmbedSQL")]
        ),
        .target(name: "Ingest", dependencies: ["Core", "Store", "CZlib", "CZstd"]),
        .executableTarget(
            name: "curate",
            dependencies: [
                "Core", "Store", "Ingest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Build tooling: sql/*.sql is compiled into the Store module, so the binary carries its schema.
        .executableTarget(name: "embed-sql", path: "Tools/embed-sql"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["embed-sql"]),

        // MARK: Tests
        .testTarget(name: "CoreTests", dependencies: ["Core"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Store", "Core", "CZlib"]),
        .testTarget(name: "CLITests", dependencies: ["curate", "Store", "Core"]),
    ]
)
