extension Chart {
    /// How an axis maps values to positions.
    public enum Scale: String, Sendable, Equatable, Codable {
        case linear
        /// Decades equally spaced (learning rates); values ≤ 0 cannot be drawn and are skipped.
        case log10
    }

    /// One axis: its title, its scale and, optionally, a fixed range (otherwise the data's,
    /// widened to round ticks).
    public struct Axis: Sendable, Equatable, Codable {
        public var title: String
        public var scale: Scale
        /// A fixed range; points outside it are clipped.
        public var range: ClosedRange<Double>?

        public init(title: String, scale: Scale = .linear, range: ClosedRange<Double>? = nil) {
            self.title = title
            self.scale = scale
            self.range = range
        }
    }

    /// One (x, y) point. NaN and infinite values are allowed (a diverged loss) and never drawn;
    /// two NaNs compare equal, so a chart equals itself after a JSON round trip.
    public struct Point: Sendable, Equatable, Codable {
        public var x: Double
        public var y: Double

        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }

        public static func == (a: Point, b: Point) -> Bool {
            func same(_ u: Double, _ v: Double) -> Bool { u == v || (u.isNaN && v.isNaN) }
            return same(a.x, b.x) && same(a.y, b.y)
        }

        /// `[x, y]`, a non-finite number as `"nan"`, `"inf"` or `"-inf"` (JSON has no such numbers).
        public init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            x = try Self.decodeNumber(&c)
            y = try Self.decodeNumber(&c)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            for v in [x, y] {
                if v.isFinite {
                    try c.encode(v)
                } else {
                    try c.encode(v.isNaN ? "nan" : v > 0 ? "inf" : "-inf")
                }
            }
        }

        private static func decodeNumber(_ c: inout UnkeyedDecodingContainer) throws -> Double {
            if let v = try? c.decode(Double.self) { return v }
            let s = try c.decode(String.self)
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default:
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number, \"nan\", \"inf\" or \"-inf\", got \"\(s)\"")
            }
        }
    }

    /// A named line.
    public struct Series: Sendable, Equatable, Codable {
        /// Shown in the legend (`train loss`, `layer group 0`).
        public var name: String
        public var points: [Point]

        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }

        /// Pairs `x[i]` with `y[i]` (the shorter array decides the count); takes `[Float]` losses as they are.
        public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(name: String, x: [X], y: [Y]) {
            self.init(name: name, points: zip(x, y).map { Point(x: Double($0), y: Double($1)) })
        }

        /// `y` against 0, 1, 2, … (iterations, batches).
        public init<Y: BinaryFloatingPoint>(name: String, y: [Y]) {
            self.init(name: name, points: y.enumerated().map { Point(x: Double($0), y: Double($1)) })
        }
    }

    /// A vertical line at `x` with a label, and a dot at (`x`, `y`) when `y` is given — how
    /// `recorder.plot(suggestion=True)` marks its suggestion.
    public struct Marker: Sendable, Equatable, Codable {
        public var x: Double
        public var y: Double?
        public var label: String

        public init(x: Double, y: Double? = nil, label: String) {
            self.x = x
            self.y = y
            self.label = label
        }
    }

    /// The content of a line chart.
    public struct LinePlot: Sendable, Equatable, Codable {
        public var x: Axis
        public var y: Axis
        public var series: [Series]
        public var markers: [Marker]

        public init(x: Axis, y: Axis, series: [Series], markers: [Marker] = []) {
            self.x = x
            self.y = y
            self.series = series
            self.markers = markers
        }

        /// The points that can be drawn: finite, and positive on a log axis.
        public func drawable(_ p: Point) -> Bool {
            p.x.isFinite && p.y.isFinite && (x.scale == .linear || p.x > 0) && (y.scale == .linear || p.y > 0)
        }
    }
}
