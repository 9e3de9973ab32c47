import ArgumentParser
import Fastai
import Foundation
import LessonKit
import NN

/// The options that describe which `create_cnn` to build, shared by `summary` and `forward`.
struct ModelOptions: ParsableArguments {
    @Option(help: "Architecture: \(Architecture.knownNames).")
    var arch: String = "resnet34"

    @Option(help: "Number of classes (data.c). Default: the 37 pet breeds.")
    var classes: Int = 37

    @Option(
        parsing: .unconditional,
        help:
            "Where to cut the pretrained model: an integer (Python slice end), none (the arch's meta, the default) or pool (before the last child with a pool layer) — as a lesson's `cut:`."
    )
    var cut: String?

    @Option(help: "Hidden sizes of the head, comma-separated (e.g. 512,256).")
    var linFtrs: String?

    @Option(help: "Dropout: one value (p/2 … p) or a comma-separated list per block.")
    var ps: String = "0.5"

    @Flag(help: "Skip pretrained weights (and freezing).")
    var noPretrained = false

    @Option(
        help:
            "Pretrained weights (.safetensors or a torch.save .pth). Default: $LEARNERLENS_WEIGHTS, ~/.cache/learnerlens/weights/<arch>.safetensors, then torchvision's hub/checkpoints/<arch>-<hash>.pth (see `learnerlens weights`)."
    )
    var weights: String?

    @Option(help: "Input channels; other than 3 adapts the first conv as fastai v2 does.")
    var inChannels: Int = 3

    @Option(help: "Seed for random initialisation and dummy inputs.")
    var seed: UInt64 = 42

    func architecture() throws -> Architecture {
        guard let a = Architecture(rawValue: arch) else {
            throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
        }
        return a
    }

    func parsedCut() throws -> Cut? {
        guard let cut else { return nil }
        do { return try LessonParameters.cut(cut) } catch { throw ValidationError("--\(error.message)") }
    }

    func parsedLinFtrs() throws -> [Int]? {
        guard let linFtrs else { return nil }
        let parts = linFtrs.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var sizes: [Int] = []
        for p in parts {
            guard let v = Int(p) else { throw ValidationError("--lin-ftrs takes comma-separated integers, got '\(p)'") }
            guard v > 0 else { throw ValidationError("--lin-ftrs sizes must be positive, got \(v)") }
            sizes.append(v)
        }
        return sizes
    }

    func parsedPs() throws -> DropoutSpec {
        let parts = ps.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var values: [Float] = []
        for p in parts {
            guard let v = Float(p) else { throw ValidationError("--ps takes numbers, got '\(p)'") }
            guard v >= 0 && v < 1 else { throw ValidationError("--ps values must be in [0, 1), got \(p)") }
            values.append(v)
        }
        guard !values.isEmpty else { throw ValidationError("--ps needs at least one value") }
        return values.count == 1 && !ps.contains(",") ? .single(values[0]) : .list(values)
    }

    func validate() throws {
        _ = try architecture()
        if classes <= 0 { throw ValidationError("--classes must be at least 1, got \(classes)") }
        if inChannels <= 0 { throw ValidationError("--in-channels must be at least 1, got \(inChannels)") }
        _ = try parsedCut()
        _ = try parsedLinFtrs()
        _ = try parsedPs()
    }

    /// Builds the learner the options describe.
    func build(loadingPretrained: Bool = true) throws -> CNNBuild {
        let a = try architecture()
        let data = classes == 37 ? DataBunch.pets : try DataBunch(classCount: classes)
        let pretrained = loadingPretrained && !noPretrained
        if pretrained, let weights { try FileChecks.readable(weights, option: "--weights") }
        let lookup = !pretrained ? nil : PretrainedWeights.locate(a, explicit: weights.map { URL(fileURLWithPath: $0) })
        if let lookup, lookup.file == nil {
            if let weights, let bad = lookup.candidates.first {
                throw CLIError("--weights \(weights): \(bad.hash.summary)")
            }
            for bad in lookup.candidates where !bad.hash.usable { Console.note("\(bad.url.path): \(bad.hash.summary)") }
            Console.note(
                "no pretrained weights for \(a.rawValue) (looked in \(lookup.searched.joined(separator: ", "))): continuing with torchvision's random initialisation. Shapes and parameter counts are exact; weight values are not ImageNet's. See `learnerlens weights`."
            )
            if weights != nil { throw CLIError("--weights \(weights!): no such readable file") }
        }
        return try createCNN(
            data: data, arch: a, cut: parsedCut(), pretrained: pretrained, linFtrs: parsedLinFtrs(), ps: parsedPs(),
            inChannels: inChannels, weights: lookup, seed: seed)
    }
}
