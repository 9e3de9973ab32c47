import Foundation
import LessonKit
import Testing

/// The chart model: a recorded run's JSON gives the same chart back; alt text says what the data says.
@Suite struct ChartModelTests {
    @Test(arguments: ["lrFind", "losses", "groupRates", "confusion", "small"])
    func jsonRoundTrip(name: String) throws {
        let chart = try #require(ChartSamples.named(name))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(chart)
        let back = try JSONDecoder().decode(Chart.self, from: data)
        #expect(back == chart)
        #expect(back.altText == chart.altText)
        #expect(try encoder.encode(back) == data, "the same bytes again")
    }

    @Test func nonFiniteNumbersAreStrings() throws {
        let chart = Chart.line(
            title: "t", x: .init(title: "x", range: 0...2), y: .init(title: "y"),
            series: [.init(name: "s", x: [0.0, 1, 2], y: [Double.nan, .infinity, -.infinity])])
        let json = String(decoding: try JSONEncoder().encode(chart), as: UTF8.self)
        #expect(json.contains("[0,\"nan\"]") && json.contains("[1,\"inf\"]") && json.contains("[2,\"-inf\"]"))
        #expect(json.contains("\"kind\":\"line\"") && json.contains("\"range\":[0,2]"))
        let back = try JSONDecoder().decode(Chart.self, from: Data(json.utf8))
        #expect(back == chart)
        let bad = json.replacingOccurrences(of: "\"kind\":\"line\"", with: "\"kind\":\"pie\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Chart.self, from: Data(bad.utf8)) }
        let reversed = json.replacingOccurrences(of: "\"range\":[0,2]", with: "\"range\":[2,0]")
        #expect(throws: DecodingError.self, "a reversed range is refused, not trapped on") {
            try JSONDecoder().decode(Chart.self, from: Data(reversed.utf8))
        }
        let open = Chart.line(
            title: "", x: .init(title: "", range: -.infinity...0), y: .init(title: ""), series: [],
            markers: [.init(x: .nan, y: .infinity, label: "m")])
        let openJSON = try JSONEncoder().encode(open)
        #expect(String(decoding: openJSON, as: UTF8.self).contains("\"range\":[\"-inf\",0]"))
        #expect(try JSONDecoder().decode(Chart.self, from: openJSON) == open)
    }

    @Test func altTextSummarisesTheData() {
        let lr = ChartSamples.lrFind.altText
        #expect(
            lr.hasPrefix(
                "Line chart of loss against learning rate (log scale). smoothed loss: 100 points, learning rate from 1.0e-07 to 10, minimum "))
        // lrs[48] = 10^(-7 + 8·48/99) ≈ 7.56e-4, where the made-up curve is at ≈ 0.973.
        #expect(lr.hasSuffix("Marked: min numerical gradient: 3.91E-04 at learning rate 7.6e-04, loss 0.973."), "\(lr)")
        let losses = ChartSamples.losses.altText
        #expect(losses.contains("train loss: 7 points (1 not drawable, skipped), epoch from 0 to 3.5, minimum 0.55 at epoch 3.5, last 0.55."))
        #expect(losses.contains("valid loss: 1 point, loss 0.81 at epoch 1."))
        #expect(
            ChartSamples.small.altText
                == "Heat map of counts, 3 rows (Actual) × 3 columns (Predicted), 24 in all; 21 on the diagonal (87.5%); "
                + "largest off the diagonal: 2 at Actual dog, Predicted cat.")
        #expect(ChartSamples.confusion.altText.contains("largest off the diagonal: 23 at Actual Shirt, Predicted T-shirt/top"))
        let empty = Chart.line(title: "", x: .init(title: ""), y: .init(title: ""), series: [])
        #expect(empty.altText == "Line chart of y against x. No data.")
    }

    @Test func chartNumbersHaveAFixedForm() {
        #expect(ChartNumber.short(0.4213) == "0.421")
        #expect(ChartNumber.short(10) == "10")
        #expect(ChartNumber.short(3e-3) == "0.003")
        #expect(ChartNumber.short(3e-4) == "3.0e-04")
        #expect(ChartNumber.short(12345) == "1.2e+04")
        #expect(ChartNumber.short(0) == "0" && ChartNumber.short(.nan) == "nan" && ChartNumber.short(-.infinity) == "-inf")
    }
}
