/// A value a step measured, ready to be cited in prose (`{{nf}}`) or exported as JSON.
public indirect enum FactValue: Sendable, Equatable {
    case int(Int)
    /// A measured number shown at a fixed number of decimals, so it does not flicker across CPUs.
    case number(Double, places: Int)
    /// An exact setting (a dropout probability): shown in its shortest form, `0.25`.
    case real(Double)
    case text(String)
    case bool(Bool)
    /// A tensor shape, shown as PyTorch prints it: `[4, 512, 7, 7]`.
    case shape([Int])
    case list([FactValue])
    /// Keys in the order the step produced them.
    case object([(String, FactValue)])

    public static func == (l: FactValue, r: FactValue) -> Bool {
        switch (l, r) {
        case (.int(let a), .int(let b)): a == b
        case (.number(let a, let p), .number(let b, let q)): a == b && p == q
        case (.text(let a), .text(let b)): a == b
        case (.real(let a), .real(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.shape(let a), .shape(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The member at `key` of an object, or element `key` of a list.
    public func member(_ key: String) -> FactValue? {
        switch self {
        case .object(let pairs): pairs.first { $0.0 == key }?.1
        case .list(let items): Int(key).flatMap { items.indices.contains($0) ? items[$0] : nil }
        case .shape(let dims): Int(key).flatMap { dims.indices.contains($0) ? .int(dims[$0]) : nil }
        default: nil
        }
    }

    /// How the value reads in prose: `21,831,525`, `1024`, `0.0442`, `[4, 512, 7, 7]`.
    public var prose: String {
        switch self {
        case .int(let v): Self.grouped(v)
        case .number(let v, let places): String(format: "%.\(places)f", v)
        case .text(let s): s
        case .real(let v): Self.shortest(v)
        case .bool(let b): b ? "true" : "false"
        case .shape(let dims): "[" + dims.map(String.init).joined(separator: ", ") + "]"
        case .list(let items): "[" + items.map(\.prose).joined(separator: ", ") + "]"
        case .object(let pairs): pairs.map { "\($0.0): \($0.1.prose)" }.joined(separator: ", ")
        }
    }

    /// `0.25`, `0.5`, `1e-05`: up to six significant digits, no trailing zeros.
    static func shortest(_ v: Double) -> String {
        var s = String(format: "%.6g", v)
        if !s.contains(".") && !s.contains("e") { s += ".0" }
        return s
    }

    /// Thousands separators from five digits on (`21,831,525`), none for `1024` or `4096`.
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        guard digits.count > 4 else { return String(n) }
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension FactValue: Encodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .int(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .number(let v, let places):
            var c = encoder.singleValueContainer()
            let scale = pow10(places)
            try c.encode((v * scale).rounded() / scale)
        case .text(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .real(let v):
            var c = encoder.singleValueContainer()
            try c.encode((v * 1e6).rounded() / 1e6)
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .shape(let dims):
            var c = encoder.singleValueContainer()
            try c.encode(dims)
        case .list(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let pairs):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in pairs { try c.encode(v, forKey: Key(k)) }
        }
    }

    private func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { acc, _ in acc * 10 } }
}

/// The facts one step produced, in order, addressed by snake_case keys.
public struct Facts: Sendable, Equatable, Encodable {
    public private(set) var pairs: [(String, FactValue)] = []

    public init() {}

    public static func == (l: Facts, r: Facts) -> Bool { FactValue.object(l.pairs) == FactValue.object(r.pairs) }

    /// Adds or replaces a fact.
    public subscript(_ key: String) -> FactValue? {
        get { pairs.first { $0.0 == key }?.1 }
        set {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if let newValue { pairs[i].1 = newValue } else { pairs.remove(at: i) }
            } else if let newValue {
                pairs.append((key, newValue))
            }
        }
    }

    /// Follows a dotted path (`layer_groups.0.leaves`).
    public func lookup(_ path: [String]) -> FactValue? {
        guard let first = path.first, var value = self[first] else { return nil }
        for key in path.dropFirst() {
            guard let next = value.member(key) else { return nil }
            value = next
        }
        return value
    }

    public var keys: [String] { pairs.map(\.0) }

    public func encode(to encoder: Encoder) throws { try FactValue.object(pairs).encode(to: encoder) }
}
