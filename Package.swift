// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "licensing",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "licensing", targets: ["licensing"]),
        .executable(name: "licensing-bench", targets: ["LicenseBench"]),
        .library(name: "LicenseCore", targets: ["LicenseCore"]),
        .library(name: "LicenseStore", targets: ["LicenseStore"]),
        .library(name: "LicenseStoreLive", targets: ["LicenseStoreLive"]),
        .library(name: "LicenseServer", targets: ["LicenseServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
    ],
    targets: [
        .target(
            name: "LicenseCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The store interface: protocol, values, errors. No database library.
        .target(
            name: "LicenseStore",
            dependencies: ["LicenseCore"],
            swiftSettings: strict
        ),
        // Every store operation written once, over a backend's sessions.
        .target(
            name: "LicenseStoreEngine",
            dependencies: ["LicenseCore", "LicenseStore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "LicenseStoreSQLite",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LicenseStorePostgres",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Opens a store from a location: the executable's (and the fixtures') wiring of the backends.
        .target(
            name: "LicenseStoreLive",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine", "LicenseStoreSQLite", "LicenseStorePostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LicenseServer",
            dependencies: [
                "LicenseCore",
                "LicenseStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
            ],
            // The admin pages' templates, stylesheet and script, and the OpenAPI document (`openapi.yaml`, served as
            // JSON), read at start-up (Bundle.module).
            resources: [.copy("Resources/Admin"), .copy("openapi.yaml")],
            swiftSettings: strict,
            // Types and the server protocol of the operations `openapi-generator-config.yaml` selects, from openapi.yaml.
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        .executableTarget(
            name: "licensing",
            dependencies: [
                "LicenseCore",
                "LicenseStore",
                "LicenseStoreLive",
                "LicenseStoreEngine",
                "LicenseStoreSQLite",
                "LicenseStorePostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                "LicenseServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict,
            plugins: ["BuildInfo"]
        ),
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .executableTarget(
            name: "LicenseBench",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine", "LicenseStoreSQLite", "LicenseStorePostgres",
                "LicenseStoreLive", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/LicenseBench",
            swiftSettings: strict
        ),
        .target(
            name: "LicenseTestSupport",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine", "LicenseStoreSQLite", "LicenseStorePostgres",
                "LicenseStoreLive", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LicenseCoreTests",
            dependencies: ["LicenseCore", "LicenseTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LicenseStoreTests",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreEngine", "LicenseStoreSQLite", "LicenseStorePostgres",
                "LicenseTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LicensingCLITests",
            dependencies: ["LicenseCore", "LicenseTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LicenseServerTests",
            dependencies: [
                "LicenseCore", "LicenseStore", "LicenseStoreSQLite", "LicenseServer", "LicenseTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
