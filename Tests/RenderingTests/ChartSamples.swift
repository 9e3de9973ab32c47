import Foundation
import LessonKit

/// Charts like the training lessons' (made-up but deterministic data), shared by the chart tests.
enum ChartSamples {
    /// lr_find: 100 rates from 1e-7 to 10, a smoothed loss that falls then diverges, the suggestion marked.
    static var lrFind: Chart {
        let lrs = (0..<100).map { 1e-7 * pow(10, 8 * Double($0) / 99) }
        let losses = lrs.map { lr -> Float in
            let t = log10(lr)
            return Float(2.3 - 1.6 / (1 + exp(-(t + 4) * 1.8)) + 0.04 * exp(2.2 * (t + 1.2)))
        }
        return Chart.line(
            title: "learn.recorder.plot()",
            x: .init(title: "learning rate", scale: .log10), y: .init(title: "loss"),
            series: [.init(name: "smoothed loss", x: lrs, y: losses)],
            markers: [.init(x: lrs[48], y: Double(losses[48]), label: "min numerical gradient: 3.91E-04")])
    }

    /// Train and valid loss per epoch: a NaN splits the train line, valid has one point so far.
    static var losses: Chart {
        Chart.line(
            title: "Losses", x: .init(title: "epoch"), y: .init(title: "loss"),
            series: [
                .init(name: "train loss", x: [0.0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5], y: [1.9, 1.2, 0.9, .nan, 0.7, 0.62, 0.58, 0.55]),
                .init(name: "valid loss", x: [1.0], y: [0.81]),
                .init(name: "<T-shirt/top> & \"quotes\"", x: [0.0, 3.5], y: [0.3, 0.3]),
            ])
    }

    /// fit_one_cycle(2, max_lr=slice(1e-6, 1e-4)): three layer groups' rates per batch, log y.
    static var groupRates: Chart {
        let maxima = [1e-6, 1e-5, 1e-4]
        let batches = 40
        func rate(_ i: Int, _ top: Double) -> Double {
            let warm = 12
            if i < warm { return top / 25 + (top - top / 25) * (1 - cos(Double.pi * Double(i) / Double(warm))) / 2 }
            let t = Double(i - warm) / Double(batches - warm)
            return top / 25e4 + (top - top / 25e4) * (1 + cos(Double.pi * t)) / 2
        }
        return Chart.line(
            title: "Learning rate per layer group", x: .init(title: "batch"), y: .init(title: "learning rate", scale: .log10),
            series: maxima.enumerated().map { g, top in .init(name: "layer group \(g)", y: (0...batches).map { rate($0, top) }) })
    }

    static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// A 10×10 confusion matrix over Fashion-MNIST's classes (rows actual, columns predicted).
    static var confusion: Chart {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        for r in 0..<10 {
            for c in 0..<10 { counts[r][c] = r == c ? 80 + (r * 7) % 19 : (r * 3 + c * 5) % 11 < 2 ? (r + c) % 9 : 0 }
        }
        counts[6][0] = 23
        return Chart.heatMap(title: "Confusion matrix", counts: counts, rowLabels: classes, columnLabels: classes)
    }

    /// A small square matrix with short labels and an escaping hazard.
    static var small: Chart {
        Chart.heatMap(
            title: "3 classes", counts: [[5, 1, 0], [2, 7, 0], [0, 0, 9]], rowLabels: ["cat", "dog", "<b>"], columnLabels: ["cat", "dog", "<b>"])
    }

    /// A sample by name, for parameterised tests.
    static func named(_ name: String) -> Chart? {
        ["lrFind": lrFind, "losses": losses, "groupRates": groupRates, "confusion": confusion, "small": small][name]
    }
}
