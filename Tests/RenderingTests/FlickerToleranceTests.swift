import Rendering
import Testing

/// A stale site is found; a last-digit difference from another CPU is not staleness.
@Suite struct FlickerToleranceTests {
    @Test(arguments: [
        ("scores [-173, 127]", "scores [-172, 127]"), ("std 0.0442", "std 0.0443"), ("p 0.0999", "p 0.100"),
        ("9.99", "10.0"), ("same", "same"),
    ])
    func lastDigitFlickerIsForgiven(a: String, b: String) {
        #expect(FlickerTolerance.equal(a, b))
    }

    @Test(arguments: [
        ("scores [-173, 127]", "scores [-175, 127]"), ("std 0.0442", "std 0.0452"), ("resnet34", "resnet35x"),
        ("Step 3", "Step 3 "), ("a1.5", "a1.6x"), ("0.5", "0.5.1"), ("text", "test"),
    ])
    func realChangesAreNot(a: String, b: String) {
        #expect(!FlickerTolerance.equal(a, b))
    }

    @Test func firstDifferenceNamesTheLine() {
        let d = FlickerTolerance.firstDifference("a\nb 1.00\nc", "a\nb 1.01\nd")
        #expect(d?.line == 3)
        #expect(d?.expected == "c" && d?.actual == "d")
        #expect(FlickerTolerance.firstDifference("x 2.5", "x 2.4") == nil)
    }
}
