import Foundation
import Testing

/// Bad command lines get argument-parser's usage error, a pointer to `--help`, and exit code 64.
@Suite struct UsageErrorTests {
    @Test(arguments: [
        // (arguments, what the error line says)
        (["--bogus"], "Unknown option '--bogus'"),
        (["nosuchcommand"], "Unexpected argument 'nosuchcommand'"),
        (["run", "--bogus"], "Unknown option '--bogus'"),
        (["run", "--step"], "Missing value for '--step <step>'"),
        (["run", "--step", "three"], "The value 'three' is invalid for '--step <step>'"),
        (["run", "--step", "0"], "--step must be 1 or more, got 0"),
        (["run", "--format", "xml"], "The value 'xml' is invalid for '--format <format>'"),
        (["run", "--set", "noequals"], "--set expects key=value, got 'noequals'"),
        (["run", "1", "2"], "Unexpected argument '2'"),
        (["check", "--bogus"], "Unknown option '--bogus'"),
        (["list", "extra"], "Unexpected argument 'extra'"),
        (["summary", "--arch", "resnet35"], "unknown arch 'resnet35'"),
        (["summary", "--classes", "0"], "--classes must be at least 1, got 0"),
        (["summary", "--image-size", "big"], "The value 'big' is invalid for '--image-size <image-size>'"),
        (["summary", "--batch-size", "0"], "--batch-size must be positive, got 0"),
        (["summary", "--cut", "x"], "--cut expects an integer, none (the arch's meta) or pool (before the last child with a pool layer), got 'x'"),
        (["summary", "--lin-ftrs", "512,a"], "--lin-ftrs takes comma-separated integers, got 'a'"),
        (["summary", "--ps", "1.5"], "--ps values must be in [0, 1), got 1.5"),
        (["summary", "--in-channels", "0"], "--in-channels must be at least 1, got 0"),
        (["summary", "--format", "pdf"], "The value 'pdf' is invalid for '--format <format>'"),
        (["forward", "--input", "x", "--output", "y"], "--weights is required"),
        (["forward", "--weights", "w"], "Missing expected argument '--input <input>'"),
        (["bench", "--arch", "resnet35"], "unknown arch 'resnet35'"),
        (["bench", "--batch", "0"], "--batch, --size and --iterations must be positive"),
        (["bench", "--threads", "0"], "--threads must be positive"),
        (["bench", "--format", "csv"], "The value 'csv' is invalid for '--format <format>'"),
        (["html"], "give either --out DIR (write a site) or --check DIR (compare one)"),
        (["html", "--out", "a", "--check", "b"], "give either --out DIR"),
        (["html", "--check", "site", "--slides"], "--check takes no other options"),
        (["html", "--out", "site", "--set", "arch"], "--set expects key=value, got 'arch'"),
        (["notebook", "1"], "Missing expected argument '--out <out>'"),
        (["notebook", "--out", "x.ipynb"], "Missing expected argument '<lesson>'"),
        (["notebook", "1", "--out", "x.md"], "--out expects a file name ending in .ipynb (or -), got 'x.md'"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 64, "\(arguments): \(r.stderr)")
        #expect(r.stderr.hasPrefix("Error: "), "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        // The hint: the usage line and where to read more.
        let command = arguments.first.flatMap { ["run", "check", "list", "summary", "forward", "bench", "html", "notebook"].contains($0) ? $0 : nil }
        #expect(r.stderr.contains("Usage: learnerlens"), "\(r.stderr)")
        #expect(r.stderr.contains("See 'learnerlens \(command.map { "\($0) " } ?? "")--help' for more information."), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
