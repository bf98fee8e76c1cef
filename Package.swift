// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "crm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crm", targets: ["CRMShell"]),
        .library(name: "CRMDomain", targets: ["CRMDomain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .target(
            name: "CRMDomain",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        .executableTarget(
            name: "CRMShell",
            dependencies: [
                "CRMDomain",
                "CLibEdit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CRMDomainTests", dependencies: ["CRMDomain"]),
        .testTarget(name: "CRMShellTests", dependencies: ["CRMShell", "CRMDomain"]),
    ],
    swiftLanguageModes: [.v6]
)
