import ArgumentParser
import Fastai
import Foundation
import NN

/// `learnerlens weights`: which pretrained weights each architecture would use, and `weights import`.
struct Weights: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which pretrained weights each architecture would load, or import a weights file.",
        subcommands: [Show.self, Import.self, Inspect.self], defaultSubcommand: Show.self)

    /// `learnerlens weights [--format json]`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "For each architecture: the files found where, their hash checks, and what a lesson would use.")

        enum Format: String, ExpressibleByArgument { case text, json }

        @Option(help: "Output format: text or json.")
        var format: Format = .text

        @Option(help: "Also consider this file, as `--weights` would (it then replaces the search).")
        var weights: String?

        func run() throws {
            try reportingErrors {
                let explicit = weights.map { URL(fileURLWithPath: $0) }
                let lookups = Architecture.allCases.map { ($0, PretrainedWeights.locate($0, explicit: explicit)) }
                switch format {
                case .json: print(try json(lookups))
                case .text: print(text(lookups), terminator: "")
                }
            }
        }

        func text(_ lookups: [(Architecture, PretrainedWeights)]) -> String {
            let env = ProcessInfo.processInfo.environment
            var lines = ["Searched, in order:"]
            if let weights { lines.append("  --weights \(weights)") }
            let envValue = env[PretrainedWeights.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
            lines.append("  $\(PretrainedWeights.environmentVariable) \(envValue ?? "(not set)")")
            lines.append("  \(PretrainedWeights.userDirectory().path)/<arch>.safetensors")
            if weights == nil {
                for dir in TorchHubCache.directories(environment: env) { lines.append("  \(dir.path)/<arch>-<hash>.pth") }
            }
            lines.append("")
            let width = Architecture.allCases.map(\.rawValue.count).max() ?? 10
            for (arch, lookup) in lookups {
                let pad = String(repeating: " ", count: width - arch.rawValue.count)
                let uses = lookup.file == nil ? "random initialisation (no weights found)" : "uses \(lookup.summary)"
                lines.append("\(arch.rawValue)\(pad)  \(uses)")
                for c in lookup.candidates {
                    lines.append("  \(c.url == lookup.file ? "→" : " ") \(c.url.path)  [\(c.origin.rawValue)] \(c.hash.summary)")
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }

        func json(_ lookups: [(Architecture, PretrainedWeights)]) throws -> String {
            let items: [[String: Any]] = lookups.map { arch, lookup in
                [
                    "arch": arch.rawValue,
                    "uses": lookup.file?.path ?? NSNull(),
                    "summary": lookup.summary,
                    "searched": lookup.searched,
                    "found": lookup.candidates.map { c -> [String: Any] in
                        var item: [String: Any] = ["path": c.url.path, "origin": c.origin.rawValue, "hash": c.hash.status]
                        switch c.hash {
                        case .verified(let h): item["expected"] = h
                        case .mismatch(let e, let a):
                            item["expected"] = e
                            item["actual"] = a
                        default: break
                        }
                        return item
                    },
                ]
            }
            let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// `learnerlens weights import FILE [--arch A]`.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a .pth or .safetensors file against an architecture and copy it into ~/.cache/learnerlens/weights as <arch>.safetensors."
        )

        @Argument(help: "The weights file: a torch.save state dict (.pth) or safetensors.")
        var file: String

        @Option(help: "Architecture (\(Architecture.knownNames)). Default: from the file name, else the one the file fits.")
        var arch: String?

        func validate() throws {
            if let arch, Architecture(rawValue: arch) == nil {
                throw ValidationError("unknown arch '\(arch)'; known: \(Architecture.knownNames)")
            }
        }

        func run() throws {
            try reportingErrors {
                try FileChecks.readable(file, option: "FILE")
                let result = try WeightsImport.run(URL(fileURLWithPath: file), arch: arch.flatMap(Architecture.init(rawValue:)))
                print("imported \(result.tensors) tensors for \(result.arch.rawValue) (\(result.hash.summary)) → \(result.destination.path)")
            }
        }
    }

    /// `learnerlens weights inspect FILE`: the tensors in a weights file, and how long reading took.
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the tensors of a .pth or .safetensors file (name, stored dtype, shape) without loading it into a model.")

        @Argument(help: "The weights files (each is read and timed on its own).")
        var files: [String]

        func run() throws {
            try reportingErrors {
                for file in files {
                    try FileChecks.readable(file, option: "FILE")
                    let start = ContinuousClock.now
                    let archive = try PretrainedWeights.readStateDict(URL(fileURLWithPath: file), arch: nil)
                    let elapsed = ContinuousClock.now - start
                    if files.count > 1 { print("\(file):") }
                    let width = archive.names.map(\.count).max() ?? 0
                    for name in archive.names {
                        let t = archive.tensors[name]!
                        let dtype = archive.dtypes[name]?.rawValue ?? "F32"
                        print(
                            "\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(dtype.padding(toLength: 4, withPad: " ", startingAt: 0))  \(t.shape)"
                        )
                    }
                    let elements = archive.tensors.values.reduce(0) { $0 + $1.count }
                    let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                    print(
                        "\(archive.names.count) tensors, \(elements) elements (\(archive.metadata["format"] ?? "safetensors")); read in \(String(format: "%.1f", ms)) ms"
                    )
                }
            }
        }
    }
}
