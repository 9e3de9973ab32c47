import Foundation
import Testing

/// `learnerlens lr-find` end to end on a few Fashion-MNIST images: the exponential schedule, the
/// stop, fastai's two suggestion lines and the plot.
@Suite struct LRFindCommandTests {
    static let tiny = ["lr-find", "--no-pretrained", "--train-subset", "256", "--valid-subset", "16", "--bs", "16", "--num-it", "20"]

    @Test(.enabled(if: FitCommandTests.dataPresent))
    func jsonHasTheScheduleAndTheSuggestion() throws {
        let r = try CLI.run(Self.tiny + ["--start-lr", "1e-5", "--end-lr", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let lrs = try #require(doc["lrs"] as? [Double])
        let losses = try #require(doc["losses"] as? [Any])
        #expect(!lrs.isEmpty && lrs.count <= 20 && losses.count == lrs.count)
        #expect(abs(lrs[0] - 1e-5) < 1e-18)
        // Exponential: equal ratios from batch to batch, 1e5 over 20 steps.
        try #require(lrs.count > 2, "the finder stopped after \(lrs.count) batches")
        #expect(abs(lrs[1] / lrs[0] - pow(1e5, 1.0 / 20)) < 1e-9)
        #expect(doc["stop_iteration"] as? Int == lrs.count - 1)
        #expect((doc["min_grad_lr"] != nil) == (lrs.count >= 17))
    }

    @Test(.enabled(if: FitCommandTests.dataPresent))
    func textShowsThePlotAndFastaisLines() throws {
        let r = try CLI.run(Self.tiny + ["--start-lr", "1e-5", "--end-lr", "1e-2", "--no-stop-div"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("LR Finder is complete, type learn.recorder.plot() to see the graph.\n"))
        #expect(r.stdout.contains("Min numerical gradient: ") && r.stdout.contains("Min loss divided by 10: "))
        #expect(r.stdout.contains("•") && r.stdout.contains("learning rate (log scale)"))
    }

    @Test func badInputIsRefused() throws {
        let r = try CLI.run(["lr-find", "--num-it", "0"])
        #expect(r.status == 64 && r.stderr.contains("--num-it must be at least 1, got 0"))
        let s = try CLI.run(Self.tiny + ["--start-lr", "1", "--end-lr", "0.1"])
        #expect(s.status == 1 && s.stderr.contains("must be below end_lr"))
    }
}
