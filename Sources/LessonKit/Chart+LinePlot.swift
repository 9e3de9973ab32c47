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

        private enum CodingKeys: String, CodingKey { case title, scale, range }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            title = try c.decode(String.self, forKey: .title)
            scale = try c.decode(Scale.self, forKey: .scale)
            range = nil
            if c.contains(.range), try !c.decodeNil(forKey: .range) {
                let ends = try c.decode([Point.Number].self, forKey: .range).map(\.value)
                guard ends.count == 2, ends[0] <= ends[1] else {
                    throw DecodingError.dataCorruptedError(forKey: .range, in: c, debugDescription: "a range is [lower, upper] with lower ≤ upper")
                }
                range = ends[0]...ends[1]
            }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(title, forKey: .title)
            try c.encode(scale, forKey: .scale)
            if let range { try c.encode([Point.Number(range.lowerBound), Point.Number(range.upperBound)], forKey: .range) }
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
            x = try c.decode(Number.self).value
            y = try c.decode(Number.self).value
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(Number(x))
            try c.encode(Number(y))
        }

        /// A number as JSON holds it: finite ones as numbers, the others as `"nan"`, `"inf"`, `"-inf"`.
        struct Number: Codable {
            var value: Double

            init(_ value: Double) { self.value = value }

            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let v = try? c.decode(Double.self) {
                    value = v
                    return
                }
                switch try c.decode(String.self) {
                case "nan": value = .nan
                case "inf": value = .infinity
                case "-inf": value = -.infinity
                case let s:
                    throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number, \"nan\", \"inf\" or \"-inf\", got \"\(s)\"")
                }
            }

            func encode(to encoder: Encoder) throws {
                var c = encoder.singleValueContainer()
                if value.isFinite {
                    try c.encode(value)
                } else {
                    try c.encode(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf")
                }
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

        public static func == (a: Marker, b: Marker) -> Bool {
            Point(x: a.x, y: a.y ?? 0) == Point(x: b.x, y: b.y ?? 0) && (a.y == nil) == (b.y == nil) && a.label == b.label
        }

        private enum CodingKeys: String, CodingKey { case x, y, label }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            x = try c.decode(Point.Number.self, forKey: .x).value
            y = try c.decodeIfPresent(Point.Number.self, forKey: .y)?.value
            label = try c.decode(String.self, forKey: .label)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(Point.Number(x), forKey: .x)
            try c.encodeIfPresent(y.map(Point.Number.init), forKey: .y)
            try c.encode(label, forKey: .label)
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
