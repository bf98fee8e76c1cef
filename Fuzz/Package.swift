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
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        .executableTarget(name: "FuzzCommandLine", dependencies: ["FuzzSupport", crm("CRMShell")]),
        .executableTarget(
            name: "FuzzRequestBody",
            dependencies: [
                "FuzzSupport", crm("CRMAPI"), crm("CRMDomain"), crm("CRMMemoryStore"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "FuzzRenderers", dependencies: ["FuzzSupport", crm("CRMShell"), crm("CRMDomain")]),
    ],
    swiftLanguageModes: [.v6]
)

/// A library product of the crm package (the parent folder) that a fuzzer links.
func crm(_ product: String) -> Target.Dependency {
    .product(name: product, package: "crm")
}
