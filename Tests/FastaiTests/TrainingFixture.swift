import Foundation
import Testing

/// Tests/FastaiTests/Fixtures/training.json, made by `scripts/make_fixtures.py --training` with PyTorch.
struct TrainingFixture: Decodable {
    struct Slot: Decodable {
        var name: String
        var layer_group: Int
        var decay_group: Bool
    }
    struct Step: Decodable {
        var grads: [String: [Float]]
        var params: [String: [Float]]
    }
    struct AdamWCase: Decodable {
        var slots: [Slot]
        var frozen: [String: [Float]]
        var lrs: [Double]
        var wd: Double
        var bn_wd: Bool
        var betas1: [Double]
        var initial: [String: [Float]]
        var steps: [Step]
    }
    struct TopK: Decodable {
        var k: Int
        var values: [Float]?
        var indices: [Int]
    }
    struct Interpretation: Decodable {
        var classes: [String]
        var logits: [Float]
        var targets: [Int]
        var probs: [Float]
        var losses: [Float]
        var topk: TopK
        var smallest: TopK
        var confusion: [[Int]]
        var most_confused: [[Value]]
    }
    enum Value: Decodable, Equatable {
        case string(String)
        case int(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
        }
    }
    struct Smoothing: Decodable {
        var inputs: [Float]
        var smoothed: [Float]
    }
    struct Validation: Decodable {
        var sizes: [Int]
        var classes: Int
        var logits: [Float]
        var targets: [Int]
        var batch_losses: [Float]
        var valid_loss: Float
        var full_mean_loss: Float
        var accuracy: Float
        var error_rate: Float
    }
    struct Resize: Decodable {
        var size_in: Int
        var input: [Float]
        var size_out: Int
        var output: [Float]
        var size_down: Int
        var output_down: [Float]
    }
    var adamw: [String: AdamWCase]
    var interpretation: Interpretation
    var smoothing: Smoothing
    var validation: Validation
    var resize: Resize

    static func load() throws -> TrainingFixture {
        let url = try #require(Bundle.module.url(forResource: "training", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(TrainingFixture.self, from: Data(contentsOf: url))
    }
}
