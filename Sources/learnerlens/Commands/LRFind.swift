import ArgumentParser
import Fastai
import Foundation
import LessonKit
import Rendering

/// `learnerlens lr-find`: fastai v1's `learn.lr_find()` then `learn.recorder.plot(suggestion=True)`.
struct LRFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract:
            "Run fastai v1's lr_find on a folder of images (or Fashion-MNIST): the smoothed loss against the learning rate, and the suggestion.",
        discussion: """
            The learning rate grows exponentially from --start-lr to --end-lr over --num-it batches (no \
            validation, momentum as the optimizer has it); the run stops after the batch whose smoothed \
            loss is more than 4× the best. The weights are put back afterwards. The plot skips the first \
            10 and last 5 points, as recorder.plot() does.
            """)

    @OptionGroup var setup: LearnerSetup

    @Option(help: "First learning rate (fastai: 1e-7).")
    var startLR: Double = 1e-7

    @Option(help: "Last learning rate (fastai: 10).")
    var endLR: Double = 10

    @Option(help: "Batches (fastai: 100).")
    var numIt: Int = 100

    @Flag(inversion: .prefixedNo, help: "Stop when the smoothed loss passes 4× the best (fastai's stop_div).")
    var stopDiv = true

    @Option(help: "Output: text (a plot and fastai's two lines) or json (lrs, losses, suggestion).")
    var format: Format = .text

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        if numIt < 1 { throw ValidationError("--num-it must be at least 1, got \(numIt)") }
    }

    func run() throws {
        try reportingErrors {
            let (build, _, made) = try setup.make()
            var data = made
            let result = try build.learner.lrFind(data: &data, startLR: startLR, endLR: endLR, numIt: numIt, stopDiv: stopDiv)
            switch format {
            case .json:
                let doc = LRFindReport(
                    lrs: result.lrs, losses: result.losses, stopIteration: result.stopIteration,
                    minGradientLR: result.suggestion?.minGradientLR, minLossLR: result.suggestion?.minLossLR, problem: result.suggestionProblem)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                Output.write(String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n")
            case .text:
                Output.write("LR Finder is complete, type learn.recorder.plot() to see the graph.\n")
                if let s = result.suggestion {
                    let chart = Chart.line(
                        title: "", x: .init(title: "learning rate (log scale)", scale: .log10), y: .init(title: "smoothed loss"),
                        series: [.init(name: "smoothed loss", x: s.lrs, y: s.losses)],
                        markers: [.init(x: s.minGradientLR, y: s.losses[s.minGradientIndex], label: "min numerical gradient")])
                    let plot = TerminalPlot.lines(chart, color: Terminal.colorAllowed && Terminal.stdoutIsTTY)
                    Output.write(plot.joined(separator: "\n") + "\n")
                    Output.write(s.lines.joined(separator: "\n") + "\n")
                } else {
                    Output.write((result.suggestionProblem ?? "no suggestion") + "\n")
                }
            }
        }
    }
}

/// `lr-find --format json`.
struct LRFindReport: Encodable {
    var lrs: [Double], losses: [Float], stopIteration: Int?, minGradientLR: Double?, minLossLR: Double?, problem: String?
    enum CodingKeys: String, CodingKey {
        case lrs, losses, problem
        case stopIteration = "stop_iteration"
        case minGradientLR = "min_grad_lr"
        case minLossLR = "min_loss_lr_div10"
    }
}
