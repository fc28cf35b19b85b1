// swift-tools-version:6.0
import Foundation
import PackageDescription

// OpenVINO comes from the pinned PyPI wheel that scripts/setup.sh installs into .deps/openvino.
// Its pkg-config file (.deps/pkgconfig/inferd-openvino.pc) gives the include path and links
// `-l:libopenvino_c.so.<ver>`; SwiftPM drops -rpath from .pc files, so the products get two rpaths
// here: the project-local wheel (development, tests) and `$ORIGIN/../lib/inferd` (make install).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let openVINOLibs = "\(packageRoot)/.deps/openvino/openvino/libs"
let runtimeRpath: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", openVINOLibs,
                  "-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/inferd"]),
]

let package = Package(
    name: "inferd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "inferd", targets: ["inferd"]),
        .executable(name: "inferctl", targets: ["inferctl"]),
        .library(name: "Core", targets: ["Core", "InferdWire"]),
        .library(name: "InferdRuntime", targets: ["InferdRuntime"]),
        .library(name: "InferdClient", targets: ["InferdClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // C bridges (system libraries found through pkg-config).
        .systemLibrary(name: "COpenVINO", pkgConfig: "inferd-openvino"),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),

        // The API's wire types: JSON bodies, error codes, Open Inference Protocol, status and placement.
        // Foundation only, so any client can speak the API without the daemon's code.
        .target(name: "InferdWire"),
        // The shared domain, pure Swift: catalog, lifecycle (budget, rules, policies, the ModelManager
        // actor over an injected loader), the offload planner, telemetry basics.
        .target(
            name: "Core",
            dependencies: [
                "InferdWire",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What touches the machine: OpenVINO, TurboJPEG/libpng, tensors, model loading, PSI and cgroups.
        .target(
            name: "InferdRuntime",
            dependencies: ["Core", "InferdWire", "COpenVINO", "CTurboJPEG", "CPNG"]
        ),
        // Code only inferctl uses: the lifecycle simulator and its traces, SVG/HTML reports, latency
        // histograms. The daemon does not link it.
        .target(
            name: "InferdStudy",
            dependencies: [
                "Core", "InferdWire",
                // Latency percentiles for `inferctl bench`, `simulate`, `replay`.
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // HTTP/1.1 over a Unix socket (and TCP), mapping requests onto Core and the runtime.
        .target(
            name: "InferdServer",
            dependencies: [
                // InferdClient: the daemon offloads to remote servers with the same client inferctl uses.
                "Core", "InferdRuntime", "InferdWire", "CSystemd", "InferdClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The client side of the API, used by inferctl, the daemon's offloading and the integration tests.
        // InferdRuntime: it decodes and resizes images on the client (ClientResizer, the OIP tensor path).
        .target(
            name: "InferdClient",
            dependencies: ["Core", "InferdRuntime", "InferdWire"]
        ),
        .executableTarget(
            name: "inferd",
            dependencies: [
                "Core", "InferdRuntime", "InferdWire", "InferdServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            linkerSettings: runtimeRpath
        ),
        .executableTarget(
            name: "inferctl",
            dependencies: [
                "Core", "InferdClient", "InferdRuntime", "InferdStudy", "InferdWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: runtimeRpath
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["Core", "InferdRuntime", "InferdStudy", "InferdWire", "InferdTestKit"],
            linkerSettings: runtimeRpath
        ),
        // Helpers the test targets share (stub sockets that play systemd and journald).
        .target(name: "InferdTestKit", path: "Sources/InferdTestKit"),
        // The daemon's own pieces without a daemon: journald fields, the journal writer against a stub
        // socket, the watchdog's checks, admin access, configuration.
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Core", "InferdRuntime", "InferdServer", "InferdWire", "InferdTestKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            linkerSettings: runtimeRpath
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "InferdClient", "InferdRuntime", "InferdStudy", "InferdWire", "InferdTestKit",
                "inferd", "inferctl",
            ],
            // The foreign test servers' models (Python), run by Support/ForeignOIPServer.swift.
            exclude: ["Support/kserve", "Support/mlserver"],
            linkerSettings: runtimeRpath
        ),
    ]
)
