/// A `#| key: value` line of a cell, with where it stands.
public struct CellOption: Sendable, Equatable {
    public var key: String
    public var value: String
    public var line: Int
    public var column: Int
}

/// A runnable cell: a fenced code block whose first lines are `#| step: …` options.
public struct Cell: Sendable, Equatable {
    /// The step type's id (`create_body`).
    public var step: String
    /// The name the cell's facts are filed under (`#| id:`), by default the step id.
    public var id: String
    /// Every option but `step` and `id`.
    public var options: [CellOption]
    /// The fastai code shown for the cell (without the option lines).
    public var code: String
    /// The fence's info string (`python`).
    public var language: String
    /// Line of the opening fence, and of the `step:` option.
    public var line: Int
    public var stepLine: Int
    public var stepColumn: Int
    /// The `#| id:` line, when the cell names itself.
    public var idOption: CellOption? = nil

    /// The value of an option, if given.
    public func option(_ key: String) -> CellOption? { options.first { $0.key == key } }
}

/// Markdown between cells, kept as written (placeholders unresolved).
public struct Prose: Sendable, Equatable {
    public var markdown: String
    /// Line where it starts in the lesson file.
    public var line: Int
}

/// A lesson's body, in reading order.
public enum LessonItem: Sendable, Equatable {
    case prose(Prose)
    case cell(Cell)
}

/// A front-matter entry as written.
public struct ParameterEntry: Sendable, Equatable {
    public var key: String
    public var value: String
    public var line: Int
}

/// A parsed lesson document: parameters from the front matter, and prose and cells in order.
public struct Lesson: Sendable, Equatable {
    /// The path (or built-in name) used in diagnostics.
    public var file: String
    /// The file name without `.md` (`01-create-cnn`).
    public var name: String
    public var front: [ParameterEntry]
    public var items: [LessonItem]

    /// The runnable cells, in order.
    public var cells: [Cell] {
        items.compactMap {
            if case .cell(let c) = $0 { return c }
            return nil
        }
    }

    /// The title as written in the front matter (unresolved placeholders are not allowed there).
    public var title: String {
        LessonParameters.unquote(front.first { $0.key == "title" }?.value ?? name)
    }
}
