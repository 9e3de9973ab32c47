import Foundation
import LessonKit
import Testing

@testable import Rendering

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// SVG charts: golden files per kind, and the properties a page relies on.
@Suite struct SVGChartTests {
    @Test(arguments: [
        ("lrFind", "chart-lr-find.svg"), ("losses", "chart-losses.svg"), ("groupRates", "chart-group-rates.svg"),
        ("confusion", "chart-confusion.svg"), ("small", "chart-small-heatmap.svg"),
    ])
    func golden(name: String, file: String) throws {
        let chart = try #require(ChartSamples.named(name))
        let svg = SVGChart(chart, idPrefix: "c1").svg()
        Golden.check(svg + "\n", against: file)
        #expect(Self.isWellFormed(svg), "\(file) parses as XML")
    }

    @Test func everyIdIsPrefixedAndNothingRuns() throws {
        for name in ["lrFind", "losses", "groupRates", "confusion", "small"] {
            let svg = SVGChart(try #require(ChartSamples.named(name)), idPrefix: "fig7").svg()
            let ids = svg.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(!ids.isEmpty && ids.allSatisfy { $0.hasPrefix("fig7-") }, "\(name): \(ids)")
            #expect(Set(ids).count == ids.count, "\(name): ids are unique")
            #expect(svg.contains("aria-labelledby=\"fig7-title fig7-desc\""))
            #expect(
                !svg.lowercased().contains("<script") && svg.range(of: " on[a-z]+=", options: .regularExpression) == nil,
                "\(name): no script, no event handler")
            #expect(svg.hasPrefix("<svg class=\"chart chart-") && svg.contains(" viewBox=\"0 0 "))
        }
    }

    @Test func heatMapHasACellPerCount() {
        for n in [1, 3, 10] {
            let counts = (0..<n).map { r in (0..<n).map { c in r == c ? 10 : r + c } }
            let svg = SVGChart(Chart.heatMap(title: "m", counts: counts, rowLabels: [], columnLabels: []), idPrefix: "h").svg()
            let plain = svg.components(separatedBy: "<g class=\"cell\"").count - 1
            let diagonal = svg.components(separatedBy: "<g class=\"cell diagonal\"").count - 1
            #expect(plain + diagonal == n * n && diagonal == n)
            #expect(svg.components(separatedBy: "<rect ").count - 1 == n * n + 1, "the cells and the colour scale")
        }
    }

    @Test func countsContrastWithTheirCells() {
        let svg = SVGChart(ChartSamples.small, idPrefix: "s").svg()
        // 9 is the maximum (darkest blue, white text); 0 the lightest (ink).
        #expect(svg.contains("fill=\"#08306b\" stroke=\"#ffffff\" stroke-width=\"1\"/><text class=\"count on-dark\""))
        #expect(svg.contains("fill=\"#1b1f24\">0</text>"))
        #expect(ChartPalette.text(on: ChartPalette.heat(9, maximum: 9)) == ChartPalette.white)
        #expect(ChartPalette.text(on: ChartPalette.heat(1, maximum: 9)) == ChartPalette.ink)
    }

    @Test func labelsAreEscaped() {
        let chart = Chart.heatMap(
            title: "<script>alert(1)</script>", counts: [[1, 2], [3, 4]], rowLabels: ["<T-shirt/top>", "a&b"], columnLabels: ["\"q\"", "it's"],
            rowTitle: "<Actual>", columnTitle: "Predicted")
        let svg = SVGChart(chart, idPrefix: "e").svg()
        #expect(svg.contains("&lt;T-shirt/top&gt;") && svg.contains("a&amp;b") && svg.contains("&quot;q&quot;") && svg.contains("it&#39;s"))
        #expect(!svg.contains("<T-shirt") && !svg.contains("<script") && !svg.contains("<Actual>"))
        #expect(Self.isWellFormed(svg))
        let line = SVGChart(ChartSamples.losses, idPrefix: "l").svg()
        #expect(line.contains(">&lt;T-shirt/top&gt; &amp; &quot;quotes&quot;</text>"), "legend names too")
    }

    @Test func nonFinitePointsBreakTheLine() {
        let svg = SVGChart(ChartSamples.losses, idPrefix: "l").svg()
        let train = svg.components(separatedBy: "<g class=\"series series-0\"")[1].prefix { $0 != "\n" }
        #expect(train.components(separatedBy: "M").count - 1 == 2, "two runs either side of the NaN")
        #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
        let valid = svg.components(separatedBy: "<g class=\"series series-1\"")[1].prefix { $0 != "\n" }
        #expect(valid.contains("<circle ") && !valid.contains("<path"), "a single point is a dot")
        #expect(svg.contains("<g class=\"legend\">"), "several series get a legend")
    }

    @Test func emptyAndSinglePointCharts() {
        let empty = Chart.line(title: "nothing yet", x: .init(title: "x"), y: .init(title: "y"), series: [.init(name: "s", points: [])])
        let svg = SVGChart(empty, idPrefix: "z").svg()
        #expect(svg.contains(">no data to draw</text>") && Self.isWellFormed(svg))
        #expect(!svg.contains("class=\"series"))
        let one = Chart.line(
            title: "", x: .init(title: "lr", scale: .log10), y: .init(title: "loss"), series: [.init(name: "s", x: [1e-3], y: [0.5])])
        let oneSVG = SVGChart(one, idPrefix: "o").svg()
        #expect(oneSVG.components(separatedBy: "<circle ").count - 1 == 1 && Self.isWellFormed(oneSVG))
        #expect(!oneSVG.contains("chart-title"), "no visible title when there is none")
        let heat = SVGChart(Chart.heatMap(title: "", counts: [], rowLabels: [], columnLabels: []), idPrefix: "e").svg()
        #expect(heat.contains("no data to draw") && Self.isWellFormed(heat))
    }

    @Test func longSeriesAreThinnedToTheirShape() {
        // 4,000 batches across ~576 pixels: a noisy loss with one spike.
        var y: [Double] = []
        for i in 0..<4000 {
            let trend = 2 / (1 + Double(i) / 500)
            y.append(i == 2345 ? 9 : trend + 0.05 * sin(Double(i) * 1.7))
        }
        let series = Chart.Series(name: "train loss", y: y)
        let chart = Chart.line(title: "", x: .init(title: "batch"), y: .init(title: "loss"), series: [series])
        let svg = SVGChart(chart, idPrefix: "t").svg()
        let path = svg.components(separatedBy: "<g class=\"series series-0\"")[1].prefix { $0 != "\n" }
        let vertices = path.filter { $0 == "L" || $0 == "M" }.count
        #expect(vertices < 4 * 600 && vertices > 600, "at most four points per pixel column, got \(vertices)")
        let top = ChartTicks(scale: .linear, data: y, target: 5)
        #expect(top.upper == 10, "the spike sets the range")
        // The plot spans y 20…310 px (12 + 8 on top; 360 − 12 − 20 − 18 below), so 9 on 0…10 is at 49.0.
        #expect(path.contains(" 49.0L"), "the spike survives thinning")
        let runs = SVGChart.thinned((0..<10).map { (Double($0) / 10, Double($0 % 3)) })
        #expect(runs.map(\.0) == [0, 0.2, 0.9] && runs.map(\.1) == [0, 2, 0], "first (also the lowest), highest, last of one column")
    }

    @Test func theTitleCanBeLeftToTheFigcaption() {
        for name in ["lrFind", "confusion"] {
            guard let chart = ChartSamples.named(name) else { continue }
            let with = SVGChart(chart, idPrefix: "a").svg(), without = SVGChart(chart, idPrefix: "a", showsTitle: false).svg()
            #expect(with.contains("class=\"chart-title\"") && !without.contains("class=\"chart-title\""))
            #expect(without.contains("<title id=\"a-title\">\(HTMLText.escape(chart.title))</title>"), "still the accessible name")
            #expect(Self.isWellFormed(without))
        }
    }

    @Test func longTitlesWrap() {
        let title = "learn.recorder.plot_lr(): the learning rate of each layer group, batch by batch, over the whole one-cycle schedule"
        var chart = ChartSamples.groupRates
        chart.title = title
        let svg = SVGChart(chart, idPrefix: "w").svg()
        let lines = svg.components(separatedBy: "<text class=\"chart-title\"").count - 1
        #expect(lines == 2, "616 px of text for 640 px less padding: two lines")
        #expect(SVGChart.wrap(title, columns: 77).allSatisfy { $0.count <= 77 })
        #expect(SVGChart.wrap(title, columns: 77).joined(separator: " ") == title)
        #expect(SVGChart.wrap("a verylongword b", columns: 4) == ["a", "verylongword", "b"])
        let heat = SVGChart(Chart.heatMap(title: title, counts: [[1]], rowLabels: ["a"], columnLabels: ["a"]), idPrefix: "h").svg()
        #expect(heat.contains("viewBox=\"0 0 560.0 "), "a long title widens a small heat map up to 560 px, then wraps")
        #expect(heat.components(separatedBy: "<text class=\"chart-title\"").count - 1 == 2)
    }

    @Test func sameChartSameBytes() {
        #expect(SVGChart(ChartSamples.lrFind, idPrefix: "a").svg() == SVGChart(ChartSamples.lrFind, idPrefix: "a").svg())
    }

    @Test func aFixedRangeClipsTheSeries() {
        let chart = Chart.line(
            title: "", x: .init(title: "x"), y: .init(title: "y", range: 0...1), series: [.init(name: "s", x: [0.0, 1, 2], y: [0.5, 40, 0.2])])
        let svg = SVGChart(chart, idPrefix: "r").svg()
        #expect(svg.contains("clip-path=\"url(#r-clip)\""))
        #expect(svg.contains(">1.0</text>") && !svg.contains(">40</text>"), "the axis keeps the given range")
    }

    @Test func theStylesheetStylesClassesTheChartsHave() {
        let empty = Chart.line(title: "", x: .init(title: ""), y: .init(title: ""), series: [])
        let charts = ["lrFind", "losses", "confusion"].compactMap(ChartSamples.named) + [empty]
        let svgs = charts.map { SVGChart($0, idPrefix: "c").svg() }.joined()
        // `.chart-figure` is the page's <figure> around the SVG.
        let classes = ChartStylesheet.css.matches(of: /\.([a-z][a-z-]*)/).map { String($0.1) }.filter { $0 != "chart-figure" }
        #expect(classes.count >= 10)
        for name in Set(classes) {
            #expect(svgs.contains("class=\"\(name)") || svgs.contains(" \(name)\"") || svgs.contains("chart \(name)"), "\(name) is used")
        }
    }

    static func isWellFormed(_ svg: String) -> Bool {
        let parser = XMLParser(data: Data(svg.utf8))
        return parser.parse()
    }
}
