import Foundation

/// What a lesson's run measured, kept so that pages, slides and notebooks can be made again
/// without running the lesson again (training takes minutes): each step's facts, pipeline and
/// figures, the weights the models had, and what the run depended on (`RunSignature`).
///
/// Only measurements are kept. The Markdown under each step and the prose's placeholders are made
/// again from the facts on every replay, so a changed sentence or table layout needs no new run;
/// a changed cell or parameter does, and `RunSignature` says which.
public struct RecordedRun: Sendable, Equatable, Codable {
    /// Bumped when the layout changes: an older record is run again.
    public static let currentFormat = 2

    public var format: Int
    public var lesson: String
    public var signature: RunSignature
    /// When and on what it ran, for the reader (`2026-12-01`, `x86_64, 2 cores`).
    public var recorded: String
    public var machine: String
    public var weights: [WeightsUse]
    public var steps: [RecordedStep]

    public init(session: LessonSession, signature: RunSignature, recorded: String, machine: String) {
        format = Self.currentFormat
        lesson = session.lesson.name
        self.signature = signature
        self.recorded = recorded
        self.machine = machine
        weights = session.weightsUsed
        steps = session.results.map { RecordedStep(facts: TaggedFacts($0.facts), pipeline: $0.pipeline, figures: $0.figures, seconds: $0.seconds) }
    }

    /// Why this record cannot stand for a run with `signature`, or nil when it can.
    public func staleness(against signature: RunSignature) -> String? {
        if format != Self.currentFormat { return "it was written in record format \(format), this LearnerLens writes \(Self.currentFormat)" }
        return self.signature.difference(from: signature)
    }
}

/// One step's measurements.
public struct RecordedStep: Sendable, Equatable, Codable {
    public var facts: TaggedFacts
    public var pipeline: Pipeline
    public var figures: [Figure]
    public var seconds: Double
}

/// Everything a run's numbers depend on besides the code: the parameters after `--set`, each
/// cell's step, id, options and code, and whether pretrained weights were ignored.
public struct RunSignature: Sendable, Equatable, Codable {
    public var parameters: [String]
    public var cells: [String]
    public var randomWeights: Bool

    public init(lesson: Lesson, parameters: LessonParameters, randomWeights: Bool) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard case .object(let pairs) = parameters.facts else { throw StepError("the parameters are not an object") }
        // Title, summary and fastai_version only change what the pages say, not what the run measures.
        self.parameters = try pairs.filter { !["title", "summary", "fastai_version"].contains($0.0) }.map { key, value in
            "\(key)=" + String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        cells = lesson.cells.map { c in
            ([c.step, c.id] + c.options.map { "\($0.key)=\($0.value)" } + [c.code]).joined(separator: "\u{1F}")
        }
        self.randomWeights = randomWeights
    }

    /// What differs, in words, or nil.
    public func difference(from other: RunSignature) -> String? {
        if randomWeights != other.randomWeights { return other.randomWeights ? "it used pretrained weights" : "it ignored pretrained weights" }
        if parameters != other.parameters {
            let changed = Set(parameters).symmetricDifference(other.parameters).compactMap { $0.split(separator: "=").first.map(String.init) }
            return "parameters changed: " + Set(changed).sorted().joined(separator: ", ")
        }
        if cells.count != other.cells.count { return "the lesson has \(other.cells.count) cells, the record \(cells.count)" }
        if let i = cells.indices.first(where: { cells[$0] != other.cells[$0] }) { return "cell \(i + 1) changed" }
        return nil
    }
}

/// Facts with their kinds kept (`int`, `number` with its places, `real`, …), so a replay formats
/// them exactly as the run did; the plain `Facts` JSON drops that.
public struct TaggedFacts: Sendable, Equatable, Codable {
    public var facts: Facts

    public init(_ facts: Facts) { self.facts = facts }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        for (k, v) in facts.pairs { try c.encode(TaggedPair(key: k, value: TaggedValue(v))) }
    }

    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var facts = Facts()
        while !c.isAtEnd {
            let pair = try c.decode(TaggedPair.self)
            facts[pair.key] = pair.value.value
        }
        self.facts = facts
    }

    struct TaggedPair: Codable {
        var key: String
        var value: TaggedValue
    }

    /// `{"int": 3}`, `{"number": [0.5, 6]}`, `{"real": 1e-3}`, `{"text": "…"}`, `{"bool": true}`,
    /// `{"shape": [1, 3]}`, `{"list": […]}`, `{"object": [{"key": …, "value": …}]}`; a
    /// non-finite number as the text `nan`, `inf` or `-inf`.
    struct TaggedValue: Codable {
        var value: FactValue
        init(_ value: FactValue) { self.value = value }

        enum Key: String, CodingKey { case int, number, real, text, bool, shape, list, object }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            switch value {
            case .int(let v): try c.encode(v, forKey: .int)
            case .number(let v, let places): try c.encode([Self.text(v), String(places)], forKey: .number)
            case .real(let v): try c.encode(Self.text(v), forKey: .real)
            case .text(let s): try c.encode(s, forKey: .text)
            case .bool(let b): try c.encode(b, forKey: .bool)
            case .shape(let d): try c.encode(d, forKey: .shape)
            case .list(let items): try c.encode(items.map(TaggedValue.init), forKey: .list)
            case .object(let pairs): try c.encode(pairs.map { TaggedPair(key: $0.0, value: TaggedValue($0.1)) }, forKey: .object)
            }
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            guard let key = c.allKeys.first else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "a fact without a kind"))
            }
            switch key {
            case .int: value = .int(try c.decode(Int.self, forKey: .int))
            case .number:
                let parts = try c.decode([String].self, forKey: .number)
                guard parts.count == 2, let places = Int(parts[1]) else {
                    throw DecodingError.dataCorruptedError(forKey: .number, in: c, debugDescription: "expected [value, places]")
                }
                value = .number(try Self.number(parts[0], c, .number), places: places)
            case .real: value = .real(try Self.number(try c.decode(String.self, forKey: .real), c, .real))
            case .text: value = .text(try c.decode(String.self, forKey: .text))
            case .bool: value = .bool(try c.decode(Bool.self, forKey: .bool))
            case .shape: value = .shape(try c.decode([Int].self, forKey: .shape))
            case .list: value = .list(try c.decode([TaggedValue].self, forKey: .list).map(\.value))
            case .object: value = .object(try c.decode([TaggedPair].self, forKey: .object).map { ($0.key, $0.value.value) })
            }
        }

        /// Exact text of a double (Swift's shortest round-trip form).
        static func text(_ v: Double) -> String { v.isNaN ? "nan" : v.isInfinite ? (v > 0 ? "inf" : "-inf") : "\(v)" }

        static func number(_ s: String, _ c: KeyedDecodingContainer<Key>, _ key: Key) throws -> Double {
            switch s {
            case "nan": return .nan
            case "inf": return .infinity
            case "-inf": return -.infinity
            default:
                guard let v = Double(s) else {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(s)' is not a number")
                }
                return v
            }
        }
    }
}

extension LessonSession {
    /// Replays a recorded run instead of running the cells: each step's recorded facts (checked
    /// against its schema), Markdown made again from them, the prose resolved as `runAll` does.
    public func replay(_ record: RecordedRun) throws(LessonDiagnostic) -> [RunSegment] {
        guard record.steps.count == stepCount else {
            throw LessonDiagnostic(file: lesson.file, line: 1, column: 1, "the recorded run has \(record.steps.count) steps, the lesson \(stepCount)")
        }
        var segments: [RunSegment] = []
        for item in lesson.items {
            switch item {
            case .prose(let p): segments.append(.prose(try resolve(p)))
            case .cell: segments.append(.step(try replayNext(record.steps[results.count])))
            }
        }
        adoptWeights(record.weights)
        return segments
    }
}
