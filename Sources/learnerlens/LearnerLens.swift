import ArgumentParser

/// The `learnerlens` command: what happens inside fastai's `create_cnn`, run for real.
@main
struct LearnerLens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learnerlens",
        abstract: "Take fastai's create_cnn apart, one line at a time, by running it for real.",
        version: LearnerLensVersion.string,
        subcommands: [
            Run.self, Check.self, List.self, Summary.self, Forward.self, Backward.self, Fit.self, LRFind.self, Predict.self, Bench.self, Html.self,
            Notebook.self,
            Weights.self,
            DataCommand.self,
        ],
        defaultSubcommand: nil)
}

enum LearnerLensVersion {
    static let string = "0.1.0"
}
