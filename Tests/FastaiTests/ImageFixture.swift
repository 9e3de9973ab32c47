import Foundation
import Testing

/// Tests/FastaiTests/Fixtures/images.json and images/, made by `scripts/make_fixtures.py --images` with PIL,
/// torch and numpy.
struct ImageFixture: Decodable {
    struct Decoded: Decodable {
        var file: String
        var mode: String
        var width: Int
        var height: Int
        var rgb: String
    }
    struct Geometry: Decodable {
        var height: Int
        var width: Int
        var size: Int
        var row_pct: Double
        var col_pct: Double
        var bytes: [UInt8]
        var target: [Int]?
        var shrunk: [Int]?
        var output: [Float]
    }
    struct Permutation: Decodable {
        var seed: UInt32
        var n: Int
        var permutation: [Int]
    }
    struct Pipeline: Decodable {
        var size: Int
        var files: [String]
        var output: [Float]
    }
    struct Augment: Decodable {
        var height: Int
        var width: Int
        var size: Int
        var bytes: [UInt8]
        var output: [Float]
        var flip: Bool?
        var warp: [Double]?
        var degrees: Double?
        var zoom: [Double]?
        var change: Double?
        var scale: Double?
        var crop: [Double]?
    }
    var augment: [Augment]
    var pillow: String
    var pipeline: Pipeline
    var decoded: [Decoded]
    var geometry: [Geometry]
    var crop_pad_reflect: Geometry
    var permutations: [Permutation]
    var image_extensions: [String]
    var sorted_labels: [String]

    static func load() throws -> ImageFixture {
        let url = try #require(Bundle.module.url(forResource: "images", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(ImageFixture.self, from: Data(contentsOf: url))
    }

    /// The folder of fixture images.
    static func folder() throws -> URL {
        try #require(Bundle.module.url(forResource: "images", withExtension: nil, subdirectory: "Fixtures"))
    }
}
