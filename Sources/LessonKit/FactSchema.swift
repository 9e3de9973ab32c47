/// The facts a step type reports, declared once: their names and structure. `check` validates
/// every `{{step.fact.member}}` path against it, and the session checks every step's result
/// against it, so the declaration cannot drift from what the step really returns.
public struct FactSchema: Sendable, ExpressibleByArrayLiteral {
    public var fields: [FactField]

    public init(_ fields: [FactField]) { self.fields = fields }
    public init(arrayLiteral elements: FactField...) { fields = elements }

    /// The top-level fact names.
    public var keys: [String] { fields.map(\.name) }

    /// The field named `name`.
    public func field(_ name: String) -> FactField? { fields.first { $0.name == name } }

    /// Where a dotted path (after the step's id or the first fact name) stops making sense, with
    /// what the schema offers there; nil when the path can exist.
    public func problem(with path: [String]) -> String? {
        guard let first = path.first else { return nil }
        guard let field = field(first) else { return "has no fact '\(first)' (it reports \(keys.joined(separator: ", ")))" }
        return field.kind.problem(with: Array(path.dropFirst()), at: first)
    }

    /// The first place where `facts` does not match this schema, or nil.
    public func mismatch(in facts: Facts) -> String? {
        for (key, value) in facts.pairs {
            guard let field = field(key) else { return "reported an undeclared fact '\(key)'" }
            if let problem = field.kind.mismatch(value, at: key) { return problem }
        }
        return nil
    }
}

/// One fact: a name and its structure.
public struct FactField: Sendable, ExpressibleByStringLiteral {
    public var name: String
    public var kind: FactKind

    public init(_ name: String, _ kind: FactKind) {
        self.name = name
        self.kind = kind
    }

    /// A scalar fact (a number, text, a flag).
    public init(stringLiteral name: String) { self.init(name, .scalar) }

    /// A fact whose structure varies (a setting that is `None` or a list): not checked below its name.
    public static func any(_ name: String) -> FactField { FactField(name, .any) }
    /// A tensor shape (`{{x.out_shape.1}}` reads one dimension).
    public static func shape(_ name: String) -> FactField { FactField(name, .shape) }
    /// A list of scalars.
    public static func list(_ name: String) -> FactField { FactField(name, .list(.scalar)) }
    /// A list of objects with these fields.
    public static func list(_ name: String, _ fields: FactField...) -> FactField { FactField(name, .list(.object(FactSchema(fields)))) }
    /// An object with these fields.
    public static func object(_ name: String, _ fields: FactField...) -> FactField { FactField(name, .object(FactSchema(fields))) }
}

/// The structure of a fact's value.
public indirect enum FactKind: Sendable {
    /// `.int`, `.number`, `.real`, `.text` or `.bool`.
    case scalar
    case shape
    case list(FactKind)
    case object(FactSchema)
    /// Anything: members are not checked.
    case any

    func problem(with path: [String], at prefix: String) -> String? {
        guard let next = path.first else { return nil }
        let rest = Array(path.dropFirst())
        switch self {
        case .any:
            return nil
        case .scalar:
            return "'\(prefix)' is a single value; it has no member '\(next)'"
        case .shape:
            guard Int(next) != nil else { return "'\(prefix)' is a shape; index it with a number, not '\(next)'" }
            return rest.isEmpty ? nil : "'\(prefix).\(next)' is a single value; it has no member '\(rest[0])'"
        case .list(let element):
            guard Int(next) != nil else { return "'\(prefix)' is a list; index it with a number, not '\(next)'" }
            return element.problem(with: rest, at: "\(prefix).\(next)")
        case .object(let schema):
            guard let field = schema.field(next) else {
                return "'\(prefix)' has no member '\(next)' (it has \(schema.keys.joined(separator: ", ")))"
            }
            return field.kind.problem(with: rest, at: "\(prefix).\(next)")
        }
    }

    func mismatch(_ value: FactValue, at path: String) -> String? {
        switch (self, value) {
        case (.any, _):
            return nil
        case (.scalar, .int), (.scalar, .number), (.scalar, .real), (.scalar, .text), (.scalar, .bool), (.shape, .shape):
            return nil
        case (.list(let element), .list(let items)):
            for (i, item) in items.enumerated() {
                if let problem = element.mismatch(item, at: "\(path).\(i)") { return problem }
            }
            return nil
        case (.object(let schema), .object(let pairs)):
            for (key, member) in pairs {
                guard let field = schema.field(key) else { return "reported an undeclared member '\(path).\(key)'" }
                if let problem = field.kind.mismatch(member, at: "\(path).\(key)") { return problem }
            }
            return nil
        default:
            return "'\(path)' is declared \(self.name) but is \(value)"
        }
    }

    var name: String {
        switch self {
        case .scalar: "a single value"
        case .shape: "a shape"
        case .list: "a list"
        case .object: "an object"
        case .any: "anything"
        }
    }
}
