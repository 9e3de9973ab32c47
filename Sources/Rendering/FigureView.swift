import Foundation
import LessonKit

/// A step's figures as each output draws them: charts as SVG (`SVGChart`) and images as PNG data
/// on pages and in notebooks; charts as character plots (`TerminalPlot`) and images as
/// half-blocks (`TerminalImage`) or their captions in the terminal. Draws only; never computes.
public enum FigureView {
    /// A `<figure>` for a page or slide: inline SVG, or the PNG (tiles already enlarged) as a data URL.
    public static func html(_ figure: Figure, idPrefix: String) -> String {
        switch figure {
        case .chart(let chart):
            return
                "<figure class=\"chart-figure\">\n\(SVGChart(chart, idPrefix: idPrefix, showsTitle: false).svg())\n<figcaption>\(HTMLText.escape(chart.title))</figcaption>\n</figure>\n"
        case .image(let image):
            guard let (png, picture) = try? image.pngAndPicture() else { return "" }
            let (w, h) = (picture.width, picture.height)
            return
                "<figure class=\"picture-figure\">\n<img src=\"data:image/png;base64,\(Data(png).base64EncodedString())\" width=\"\(w)\" height=\"\(h)\" "
                + "alt=\"\(HTMLText.escape(image.alt))\">\n"
                + "<figcaption>\(HTMLText.escape(image.title))</figcaption>\n</figure>\n"
        }
    }

    /// The lines a terminal shows: the title, then the plot or picture (captions without colour).
    public static func terminal(_ figure: Figure, color: Bool, width: Int) -> [String] {
        switch figure {
        case .chart(let chart):
            return TerminalPlot.lines(chart, width: max(20, min(width, 100) - 14), height: 14, color: color)
        case .image(let image):
            return [image.title]
                + TerminalImage.lines(
                    image.grid, fitting: width, mode: color ? TerminalImage.mode(environment: ProcessInfo.processInfo.environment) : .plain)
        }
    }

    /// A notebook's display data: SVG or PNG, and the plain-text fallback.
    /// `idPrefix` must be unique in the notebook: Jupyter shows every output in one document.
    public static func notebookData(_ figure: Figure, idPrefix: String) -> [String: [String]] {
        let plain = terminal(figure, color: false, width: 100).map { $0 + "\n" }
        switch figure {
        case .chart(let chart):
            return ["image/svg+xml": [SVGChart(chart, idPrefix: idPrefix).svg()], "text/plain": plain]
        case .image(let image):
            guard let png = try? image.png() else { return ["text/plain": plain] }
            return ["image/png": [Data(png).base64EncodedString()], "text/plain": plain]
        }
    }
}
