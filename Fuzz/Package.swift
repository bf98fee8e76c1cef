// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "crm-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "crm", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzCommandLine",
            dependencies: ["CFuzzDriver", .product(name: "CRMShell", package: "crm")]
        ),
        .executableTarget(
            name: "FuzzRequestBody",
            dependencies: [
                "CFuzzDriver",
                .product(name: "CRMAPI", package: "crm"),
                .product(name: "CRMDomain", package: "crm"),
                .product(name: "CRMMemoryStore", package: "crm"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "FuzzRenderers",
            dependencies: [
                "CFuzzDriver",
                .product(name: "CRMShell", package: "crm"),
                .product(name: "CRMDomain", package: "crm"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
