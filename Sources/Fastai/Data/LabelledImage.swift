import Foundation

/// An image file and its label, as fastai v1's `LabelList` pairs them before the labels become class indices.
public struct LabelledImage: Sendable, Equatable, Codable {
    /// The file's path (the folder as given, then the path inside it).
    public let path: String
    /// The label text.
    public let label: String

    /// A file with its label.
    public init(path: String, label: String) {
        self.path = path
        self.label = label
    }

    /// `from_name_re`'s labels: `re.compile(pattern).search(path).group(1)` on each full POSIX path.
    ///
    /// The pattern runs on ICU's engine (`NSRegularExpression`), which agrees with Python's `re` on what fastai's
    /// docs use (classes, `\d`, `\w` — both Unicode-aware —, anchors, groups, `.` not matching a newline). Python's
    /// named groups `(?P<name>…)` and back-references `(?P=name)` are translated to ICU's `(?<name>…)` and
    /// `\k<name>`. Different: Python's `\Z` is ICU's `\z` (ICU's `\Z` also matches before a final newline); ICU
    /// accepts possessive quantifiers and `\p{…}`, which Python 3.11's `re` rejects.
    public static func fromNameRegex(_ paths: [String], pattern: String) throws(DataError) -> [LabelledImage] {
        let regex = try compile(pattern)
        var out: [LabelledImage] = []
        var failed: [String] = []
        for path in paths {
            let range = NSRange(path.startIndex..., in: path)
            if let m = regex.firstMatch(in: path, range: range), m.range(at: 1).location != NSNotFound,
                let r = Range(m.range(at: 1), in: path)
            {
                out.append(LabelledImage(path: path, label: String(path[r])))
            } else {
                failed.append(path)
            }
        }
        guard failed.isEmpty else {
            let shown = failed.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")
            throw DataError(
                "the label pattern \(pattern) finds no label in \(failed.count) of \(paths.count) files, e.g. \(shown) "
                    + "(fastai: Failed to find \"re.compile('\(pattern)')\" in \"\(failed[0])\")")
        }
        return out
    }

    /// The pattern compiled, with Python's named-group syntax translated.
    static func compile(_ pattern: String) throws(DataError) -> NSRegularExpression {
        let icu = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
            .replacingOccurrences(of: #"\(\?P=(\w+)\)"#, with: #"\\k<$1>"#, options: .regularExpression)
        let regex: NSRegularExpression
        do { regex = try NSRegularExpression(pattern: icu) } catch {
            throw DataError("the label pattern \(pattern) is not a valid regular expression")
        }
        guard regex.numberOfCaptureGroups >= 1 else {
            throw DataError("the label pattern \(pattern) has no group: fastai takes group(1), so put ( ) around the label")
        }
        return regex
    }

    /// `label_from_folder`: each file's parent folder name (`o.parts[-2]`).
    public static func fromParentFolder(_ paths: [String]) -> [LabelledImage] {
        paths.map { path in
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            return LabelledImage(path: path, label: parts.count >= 2 ? String(parts[parts.count - 2]) : "")
        }
    }

    /// `from_csv`/`from_df`: a CSV file whose first row is a header (pandas' `header='infer'`) and whose rows are
    /// `file name, label` (`fn_col=0`, `label_col=1`); each file is `folder + "/" + name`. Fields may be quoted
    /// with `"` (`""` inside quotes is a quote). Labels stay text: pandas would read `03` in an all-number column
    /// as the number 3.
    public static func fromCSV(_ csvPath: String, folder: String) throws(DataError) -> [LabelledImage] {
        let text: String
        do { text = try String(contentsOfFile: csvPath, encoding: .utf8) } catch {
            throw DataError("\(csvPath): cannot read the CSV file (\(error.localizedDescription))")
        }
        let rows = CSVRows.parse(text)
        guard rows.count >= 2 else {
            throw DataError("\(csvPath): needs a header row and at least one `file,label` row, got \(rows.count) rows")
        }
        var out: [LabelledImage] = []
        for (i, row) in rows.enumerated().dropFirst() {
            if row.count == 1 && row[0].isEmpty { continue }
            guard row.count >= 2, !row[0].isEmpty else {
                throw DataError("\(csvPath):\(i + 1): expected `file name,label`, got \(row.count) field(s)")
            }
            out.append(LabelledImage(path: folder.hasSuffix("/") ? folder + row[0] : folder + "/" + row[0], label: row[1]))
        }
        return out
    }
}

/// A small CSV reader: comma-separated fields, `"`-quoted fields with `""` escapes, `\n` or `\r\n` rows.
enum CSVRows {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" {
                        field.unicodeScalars.append("\"")
                        chars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r" && chars.first == "\n" { chars.removeFirst() }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
