import Rendering
import Testing

/// Measured values are shown with at most three significant digits, never more decimals than printed.
@Suite struct MeasuredPrecisionTests {
    @Test(arguments: [
        ("-172.501", "-173"), ("126.509", "127"), ("53.683", "53.7"), ("0.0442", "0.0442"), ("0.0626", "0.0626"),
        ("1.000", "1.00"), ("0.000", "0.000"), ("-0.0004", "-0.0004"), ("-0.4", "-0.4"), ("-0.004", "-0.004"),
        ("12345.678", "12346"), ("7", "7"),
    ])
    func stableForm(printed: String, expected: String) {
        #expect(MeasuredPrecision().stable(printed) == expected)
    }

    @Test func noNegativeZero() {
        #expect(MeasuredPrecision(significantDigits: 1).stable("-0.04") == "-0.04")
        #expect(MeasuredPrecision(significantDigits: 1).stable("-0.4") == "-0.4")
        #expect(MeasuredPrecision(significantDigits: 1).stable("-0.0") == "0.0")
    }

    @Test func replacesWholeTokensOnly() {
        let p = MeasuredPrecision()
        let map = ["-172.501": "-173", "53.683": "53.7"]
        #expect(p.apply("`[-172.501, 53.683]` and 153.683 and v53.683 and 53.6831", map) == "`[-173, 53.7]` and 153.683 and v53.683 and 53.6831")
        #expect(p.apply("\\[-172.501\\]", map) == "\\[-173\\]")
        #expect(p.apply("nothing to do", [:]) == "nothing to do")
    }
}
