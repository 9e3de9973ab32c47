/// Validates a lesson without running tensors: parameters, step types, options, order, and every
/// `{{fact}}` — reporting all problems, each at its `file:line:column`.
public enum LessonChecker {
    public struct Checked {
        public var parameters: LessonParameters
        public var steps: [(Cell, any LessonStep, LessonParameters)]
    }

    public static func check(_ lesson: Lesson, overrides: [(String, String)] = []) throws(LessonErrors) -> Checked {
        var diagnostics: [LessonDiagnostic] = []
        let file = lesson.file
        var parameters = LessonParameters()
        for entry in lesson.front {
            do { try parameters.set(entry.key, entry.value) } catch {
                diagnostics.append(LessonDiagnostic(file: file, line: entry.line, column: 1, error.message))
            }
            // Pages, slides and notebooks show the title and summary as written: a placeholder
            // there would print literally.
            if entry.key == "title" || entry.key == "summary", entry.value.contains("{{") {
                diagnostics.append(
                    LessonDiagnostic(
                        file: file, line: entry.line, column: 1,
                        "the \(entry.key) is shown as written: `{{` is not filled in in the front matter (cite facts in the lesson's prose or its # heading)"
                    ))
            }
        }
        for (key, value) in overrides {
            do { try parameters.set(key, value) } catch {
                diagnostics.append(LessonDiagnostic(file: "--set \(key)=\(value)", line: 0, column: 0, error.message))
            }
        }

        var steps: [(Cell, any LessonStep, LessonParameters)] = []
        var available = Set(["lesson"] + LessonParameters.keys)  // names a placeholder may start with
        var producedBy: [String: Int] = [:]  // fact or id → line of the cell that makes it
        for cell in lesson.cells where StepRegistry.type(cell.step) != nil {
            for key in StepRegistry.type(cell.step)?.facts.keys ?? [] where producedBy[key] == nil { producedBy[key] = cell.stepLine }
            if producedBy[cell.id] == nil { producedBy[cell.id] = cell.stepLine }
        }
        var made = Set<AnySlot>()
        var cellSchemas: [String: FactSchema] = [:]  // cell id → its step's facts
        var factSchemas: [String: FactSchema] = [:]  // fact name → the facts of the latest step reporting it
        var cellWithID: [String: Cell] = [:]
        var hints: [String: String] = [:]  // "did you mean" per unknown name: a lesson may repeat one thousands of times

        for item in lesson.items {
            switch item {
            case .prose(let prose):
                let scan = Template.analyse(prose.markdown, line: prose.line)
                for position in scan.unclosed {
                    diagnostics.append(LessonDiagnostic(file: file, line: position.line, column: position.column, Template.unclosedMessage))
                }
                for p in scan.placeholders {
                    guard let first = p.path.first, !first.isEmpty else {
                        diagnostics.append(LessonDiagnostic(file: file, line: p.line, column: p.column, "empty placeholder {{}}"))
                        continue
                    }
                    if available.contains(first) {
                        if let problem = schemaProblem(p.path, cellSchemas: cellSchemas, factSchemas: factSchemas) {
                            diagnostics.append(
                                LessonDiagnostic(file: file, line: p.line, column: p.column, "{{\(p.path.joined(separator: "."))}}: \(problem)"))
                        }
                        continue
                    }
                    if let later = producedBy[first] {
                        diagnostics.append(
                            LessonDiagnostic(
                                file: file, line: p.line, column: p.column,
                                "{{\(Template.display(p.path))}} is used before the step that produces it (the cell at line \(later))"))
                    } else {
                        let hint = hints[first] ?? suggestion(first, in: Array(available) + Array(producedBy.keys))
                        hints[first] = hint
                        diagnostics.append(
                            LessonDiagnostic(file: file, line: p.line, column: p.column, "unknown fact {{\(Template.display(p.path))}}\(hint)"))
                    }
                }
            case .cell(let cell):
                // Two cells of one step type may share their default id (a citation means the later
                // one); an id a cell chose must be its own, or {{id.…}} could not tell them apart.
                if let earlier = cellWithID[cell.id], cell.id != cell.step || earlier.id != earlier.step {
                    let place = cell.idOption ?? CellOption(key: "step", value: cell.step, line: cell.stepLine, column: cell.stepColumn)
                    let whose = cell.idOption == nil ? "this cell's default id (its step type)" : "this cell's id"
                    diagnostics.append(
                        LessonDiagnostic(
                            file: file, line: place.line, column: place.column,
                            "duplicate cell id '\(cell.id)': \(whose) is already the id of the cell at line \(earlier.idOption?.line ?? earlier.stepLine); give each cell its own `#| id:`"
                        ))
                }
                if cellWithID[cell.id] == nil || cell.id != cell.step { cellWithID[cell.id] = cell }
                guard let type = StepRegistry.type(cell.step) else {
                    diagnostics.append(
                        LessonDiagnostic(
                            file: file, line: cell.stepLine, column: cell.stepColumn,
                            "unknown step type '\(cell.step)'\(suggestion(cell.step, in: StepRegistry.ids)); known: \(StepRegistry.ids.joined(separator: ", "))"
                        ))
                    continue
                }
                var cellParameters = parameters
                var own: [String: String] = [:]
                for option in cell.options {
                    if LessonParameters.cellKeys.contains(option.key) {
                        do { try cellParameters.set(option.key, option.value) } catch {
                            diagnostics.append(LessonDiagnostic(file: file, line: option.line, column: option.column, error.message))
                        }
                    } else if type.options.contains(option.key) {
                        own[option.key] = option.value
                    } else {
                        let known = type.options + LessonParameters.cellKeys
                        diagnostics.append(
                            LessonDiagnostic(
                                file: file, line: option.line, column: option.column,
                                "unknown option '\(option.key)' for step \(cell.step)\(suggestion(option.key, in: known)); it takes \(type.options.isEmpty ? "no options of its own" : type.options.joined(separator: ", ")) and lesson parameters (\(LessonParameters.cellKeys.joined(separator: ", ")))"
                            ))
                    }
                }
                do {
                    let step = try type.init(options: own)
                    if let slot = step.access.needs.first(where: { !made.contains($0) }) {
                        let producers = StepRegistry.producers(of: slot)
                        diagnostics.append(
                            LessonDiagnostic(
                                file: file, line: cell.stepLine, column: cell.stepColumn,
                                "step \(cell.step) needs \(slot.description), which \(StepRegistry.producerPhrase(of: slot)) makes: put \(producers.isEmpty ? "that step" : "a `\(producers[0])` cell") before it"
                            ))
                    }
                    made.formUnion(step.access.makes)
                    steps.append((cell, step, cellParameters))
                } catch {
                    let line = cell.options.first { own[$0.key] != nil }
                    diagnostics.append(LessonDiagnostic(file: file, line: line?.line ?? cell.stepLine, column: line?.column ?? 1, error.message))
                }
                available.insert(cell.id)
                available.formUnion(type.facts.keys)
                cellSchemas[cell.id] = type.facts
                for key in type.facts.keys { factSchemas[key] = type.facts }
            }
        }
        guard diagnostics.isEmpty else { throw LessonErrors(LessonDiagnostic.inFileOrder(diagnostics)) }
        return Checked(parameters: parameters, steps: steps)
    }

    /// What is wrong with a placeholder whose first part exists: `{{id.fact.member}}` and
    /// `{{fact.member}}` must follow the reporting step's fact schema (parameters have no members).
    static func schemaProblem(_ path: [String], cellSchemas: [String: FactSchema], factSchemas: [String: FactSchema]) -> String? {
        guard let first = path.first else { return nil }
        // The same order the run resolves in: the cell's own facts, then the latest fact of that name.
        let asFact = factSchemas[first].map { $0.problem(with: path) }
        if let schema = cellSchemas[first] {
            guard path.count > 1 else { return "'\(first)' is a step; name one of its facts: \(schema.keys.joined(separator: ", "))" }
            guard let problem = schema.problem(with: Array(path.dropFirst())) else { return nil }
            return asFact == .some(nil) ? nil : "step '\(first)': \(problem)"
        }
        if let asFact { return asFact }
        // Lesson parameters are single values: `{{arch}}`, `{{lesson.arch}}`.
        if first == "lesson" {
            guard path.count == 2, LessonParameters.keys.contains(path[1]) else {
                return "write {{lesson.KEY}} with KEY one of \(LessonParameters.keys.joined(separator: ", "))"
            }
            return nil
        }
        if LessonParameters.keys.contains(first), path.count > 1 { return "'\(first)' is a lesson parameter; it has no member '\(path[1])'" }
        return nil
    }
}
