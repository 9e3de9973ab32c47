// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LearnerLens",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "learnerlens", targets: ["learnerlens"]),
        .library(name: "Fastai", targets: ["Fastai"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C libraries, found through pkg-config. Exactly one Swift file imports each.
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CCmark", pkgConfig: "libcmark",
            providers: [.apt(["libcmark-dev"])]),

        // Computation: Tensors ← NN ← Fastai.
        .target(
            name: "Tensors", dependencies: ["CBLAS"],
            swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "NN", dependencies: ["Tensors"]),
        .target(name: "Fastai", dependencies: ["NN"]),

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
        .testTarget(name: "FastaiTests", dependencies: ["Fastai"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MarkupTests", dependencies: ["Markup"], exclude: ["Golden"]),
        .testTarget(name: "LessonKitTests", dependencies: ["LessonKit"], exclude: ["Fixtures"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering"], exclude: ["Golden", "Fixtures"]),
        .testTarget(name: "learnerlensTests", dependencies: ["learnerlens"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
