// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "crm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crm", targets: ["CRMMain"]),
        .library(name: "CRMDomain", targets: ["CRMDomain"]),
        .library(name: "CRMMemoryStore", targets: ["CRMMemoryStore"]),
        .library(name: "CRMAPI", targets: ["CRMAPI"]),
        .library(name: "CRMShell", targets: ["CRMShell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    ],
    targets: [
        .target(
            name: "CRMDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "CRMMemoryStore", dependencies: ["CRMDomain"]),
        .target(
            name: "CRMWeb",
            resources: [
                .embedInCode("Web/index.html"), .embedInCode("Web/app.css"), .embedInCode("Web/app.js"),
                .embedInCode("Web/docs.html"), .embedInCode("Web/docs.js"),
            ]
        ),
        .target(
            name: "CRMAPI",
            dependencies: [
                "CRMDomain",
                "CRMWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "CRMSQLite",
            dependencies: ["CRMDomain", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "CRMPostgres",
            dependencies: [
                "CRMDomain",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .executableTarget(name: "CRMMain", dependencies: ["CRMShell"]),
        .target(
            name: "CRMShell",
            dependencies: [
                "CRMDomain",
                "CRMAPI",
                "CRMMemoryStore",
                "CRMSQLite",
                "CRMPostgres",
                "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.embedInCode("Training/Lessons")]
        ),
        .target(
            name: "CRMTestSupport",
            dependencies: ["CRMDomain", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Tests/CRMTestSupport"),
        .target(
            name: "CRMStoreContract", dependencies: ["CRMDomain", "CRMTestSupport"], path: "Tests/CRMStoreContract",
            exclude: ["README.md"]),
        .testTarget(name: "CRMDomainTests", dependencies: ["CRMDomain", "CRMMemoryStore", "CRMTestSupport"]),
        .testTarget(
            name: "CRMMemoryStoreTests",
            dependencies: ["CRMMemoryStore", "CRMDomain", "CRMStoreContract", "CRMTestSupport"]),
        .testTarget(
            name: "CRMShellTests", dependencies: ["CRMShell", "CRMMain", "CRMDomain", "CRMMemoryStore", "CRMTestSupport"]),
        .testTarget(
            name: "CRMSQLiteTests",
            dependencies: [
                "CRMSQLite", "CRMDomain", "CRMMemoryStore", "CRMShell", "CRMMain", "CRMStoreContract", "CRMTestSupport",
            ]),
        .testTarget(
            name: "CRMPostgresTests",
            dependencies: [
                "CRMPostgres", "CRMDomain", "CRMMemoryStore", "CRMShell", "CRMMain", "CRMStoreContract", "CRMTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CRMAPITests",
            dependencies: [
                "CRMAPI", "CRMDomain", "CRMMemoryStore", "CRMMain", "CRMShell", "CRMTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
