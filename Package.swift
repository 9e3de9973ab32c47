// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The numeric kernels are compiled for the vector instructions of the machine that builds them,
/// like `-march=native`: AVX2 (8 floats per instruction) when the CPU has it, the x86-64 baseline
/// (SSE2, 4 floats) otherwise. Set LEARNERLENS_PORTABLE=1 to build for the baseline anyway, or
/// LEARNERLENS_TARGET_CPU to name LLVM's CPU (e.g. `znver4` for AVX-512: measured no faster here,
/// docs/performance.md).
let tensorFlags: [String] = {
    var flags = ["-O"]
    #if os(Linux) && arch(x86_64)
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let features = Set(cpu.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        let env = ProcessInfo.processInfo.environment
        if let cpu = env["LEARNERLENS_TARGET_CPU"] {
            flags += ["-target-cpu", cpu]
        } else if env["LEARNERLENS_PORTABLE"] == nil, features.isSuperset(of: ["avx2", "fma", "f16c", "bmi2"]) {
            flags += ["-target-cpu", "haswell"]
        }
    #endif
    return flags
}()

let package = Package(
    name: "LearnerLens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "learnerlens", targets: ["learnerlens"]),
        .library(name: "Fastai", targets: ["Fastai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C libraries: OpenBLAS, cmark, zlib, libzip and libcrypto through pkg-config; oneDNN (no .pc file in Debian) on the
        // default paths. Exactly one Swift file imports each.
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]),
        // zlib: CRC-32 of zip entries and gzip'd IDX files (Tensors/Zlib.swift only).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libzip reads PyTorch's zip checkpoints; libcrypto hashes them as torchvision does (SHA-256).
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // libjpeg-turbo and libpng, to decode images as PIL does (Fastai/Data/JPEGDecoder.swift, PNGDecoder.swift only).
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        // Computation: Tensors ← NN ← Fastai.
        .target(
            name: "Tensors", dependencies: ["CBLAS", "CDNNL", "CZip", "CZlib"],
            swiftSettings: [.unsafeFlags(tensorFlags)]),
        .target(name: "NN", dependencies: ["Tensors"]),
        .target(name: "Fastai", dependencies: ["NN", "CCrypto", "CTurboJPEG", "CPNG"]),

        // Markdown through cmark: no tensor knowledge.
        .target(name: "Markup", dependencies: ["CCmark"]),

        // Lessons: documents, step types, runner; Rendering: site, slides, notebook.
        .target(name: "LessonKit", dependencies: ["Fastai", "Markup"]),
        .target(name: "Rendering", dependencies: ["LessonKit", "Markup"]),

        .executableTarget(
            name: "learnerlens",
            dependencies: [
                "Fastai", "LessonKit", "Rendering", "Markup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NNTests", dependencies: ["NN"]),
        .testTarget(name: "FastaiTests", dependencies: ["Fastai"], exclude: ["Golden"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MarkupTests", dependencies: ["Markup"], exclude: ["Golden"]),
        .testTarget(name: "LessonKitTests", dependencies: ["LessonKit"], exclude: ["Fixtures"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering"], exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "learnerlensTests", dependencies: ["learnerlens"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
