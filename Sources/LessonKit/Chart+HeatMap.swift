extension Chart {
    /// A matrix of counts, `counts[row][column]`, with a label per row and column.
    ///
    /// A confusion matrix is square (rows = actual, columns = predicted); renderers also take a
    /// ragged or non-square one: missing cells count 0, missing labels are the index.
    public struct HeatMap: Sendable, Equatable, Codable {
        public var counts: [[Int]]
        public var rowLabels: [String]
        public var columnLabels: [String]
        /// The axis titles (`Actual`, `Predicted`).
        public var rowTitle: String
        public var columnTitle: String

        public init(counts: [[Int]], rowLabels: [String], columnLabels: [String], rowTitle: String = "Actual", columnTitle: String = "Predicted") {
            self.counts = counts
            self.rowLabels = rowLabels
            self.columnLabels = columnLabels
            self.rowTitle = rowTitle
            self.columnTitle = columnTitle
        }

        private enum CodingKeys: String, CodingKey {
            case counts
            case rowLabels = "row_labels"
            case columnLabels = "column_labels"
            case rowTitle = "row_title"
            case columnTitle = "column_title"
        }

        /// Rows drawn: the matrix's rows, or the row labels if there are more.
        public var rowCount: Int { max(counts.count, rowLabels.count) }
        /// Columns drawn: the longest row, or the column labels if there are more.
        public var columnCount: Int { max(counts.map(\.count).max() ?? 0, columnLabels.count) }

        /// The count at (`row`, `column`), 0 where the matrix has no cell.
        public func count(_ row: Int, _ column: Int) -> Int {
            counts.indices.contains(row) && counts[row].indices.contains(column) ? counts[row][column] : 0
        }

        /// The label of `row`, or its index.
        public func rowLabel(_ row: Int) -> String { rowLabels.indices.contains(row) ? rowLabels[row] : String(row) }
        /// The label of `column`, or its index.
        public func columnLabel(_ column: Int) -> String { columnLabels.indices.contains(column) ? columnLabels[column] : String(column) }

        /// The largest count (0 for an empty matrix): the top of the colour scale.
        public var maximum: Int { counts.flatMap { $0 }.max() ?? 0 }
    }
}
