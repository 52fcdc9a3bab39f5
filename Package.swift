// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "rops",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rops", targets: ["rops"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // libpq, the PostgreSQL C client library (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // PostgreSQL client: connections, bound parameters, typed errors, COPY IN, cancel.
        .target(name: "PostgresClient", dependencies: ["CLibPQ"], exclude: ["README.md"]),
        // The embedded default: a project-local cluster managed with initdb/pg_ctl.
        .target(name: "LocalPostgres", dependencies: ["PostgresClient"], exclude: ["README.md"]),
        // Jinja-compatible template engine; pure, knows nothing else.
        .target(name: "Template", exclude: ["README.md"]),
        // project.yml, .env, connection resolution.
        .target(name: "Project", dependencies: [
            "Template",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        // DAG, cycle detection, topological order, node selection.
        .target(name: "Graph", exclude: ["README.md"]),
        // `rops deps`: installs packages (local, git) into dbt_packages/ and writes package-lock.yml.
        .target(name: "Packages", dependencies: ["Project"], exclude: ["README.md"]),
        // Materializations, the threaded runner, target/ artifacts.
        .target(name: "Build", dependencies: ["PostgresClient", "Project", "Graph", "Template"], exclude: ["README.md"]),
        // Raw-file ingestion: CSV/JSON scanners, COPY loader, quarantine, load metadata, seeds.
        .target(name: "Load", dependencies: ["PostgresClient", "Project", "Template"], exclude: ["README.md"]),
        // Data tests: generic and singular tests compiled to SQL, thresholds, failures, JUnit.
        .target(name: "DataTesting", dependencies: ["PostgresClient", "Project", "Template", "Build"], exclude: ["README.md"]),
        // Docs: catalog, static site with SVG lineage, lineage exports.
        .target(name: "Docs", dependencies: [
            "PostgresClient", "Project", "Graph",
            .product(name: "Ink", package: "Ink"),
        ], exclude: ["README.md"]),
        // The library behind every command: sessions, operations, their events, target/ artifacts.
        .target(name: "Session", dependencies: [
            "PostgresClient", "LocalPostgres", "Project", "Graph", "Build", "Load", "DataTesting", "Docs", "Template",
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["README.md"]),
        // The command-line tool: parses, calls one operation, prints its events.
        .executableTarget(name: "rops", dependencies: [
            "Session", "Packages", "PostgresClient", "LocalPostgres", "Project", "Graph", "Build", "Load", "DataTesting", "Docs", "Template",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], exclude: ["README.md"]),
        // The platform's data generator: the Kaggle files at any scale (a separate tool, not a rops command).
        .executableTarget(name: "rops-datagen", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Benchmark helpers driven by scripts under bench/.
        .executableTarget(name: "rops-bench", dependencies: [
            "PostgresClient", "Template",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Shared by the test targets: the throwaway PostgreSQL every integration test uses.
        .target(name: "TestSupport", dependencies: ["LocalPostgres", "PostgresClient"], path: "Tests/TestSupport"),
        .testTarget(name: "TemplateTests", dependencies: ["Template"], resources: [.copy("Conformance")]),
        .testTarget(name: "ProjectTests", dependencies: ["Project"]),
        .testTarget(name: "PostgresClientTests", dependencies: ["PostgresClient", "TestSupport"]),
        .testTarget(name: "LocalPostgresTests", dependencies: ["LocalPostgres", "PostgresClient", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["rops", "TestSupport", "LocalPostgres"]),
        .testTarget(name: "GraphTests", dependencies: ["Graph"]),
        .testTarget(name: "PackagesTests", dependencies: ["Packages", "Project"]),
        .testTarget(name: "DocsTests", dependencies: ["Docs"]),
        .testTarget(name: "GeneratorTests", dependencies: ["rops-datagen", "TestSupport"]),
        .testTarget(name: "LoadTests", dependencies: ["Load", "TestSupport", "PostgresClient", "Project"]),
        .testTarget(name: "BuildTests", dependencies: ["Build", "PostgresClient", "Project", "Template", "TestSupport"]),
        .testTarget(name: "DataTestingTests", dependencies: ["DataTesting"]),
        .testTarget(name: "SessionTests", dependencies: ["Session", "Build", "PostgresClient", "Template", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["rops", "TestSupport", "PostgresClient", "DataTesting"]),
        .testTarget(name: "ReliabilityTests", dependencies: ["rops", "rops-datagen", "TestSupport", "PostgresClient", "LocalPostgres"]),
    ]
)
