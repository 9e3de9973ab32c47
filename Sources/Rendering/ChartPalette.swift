import Foundation

/// The colours, dashes and glyphs charts draw with, the same in SVG and in the terminal.
///
/// Series colours are matplotlib's first six (what fastai's plots show); each series also gets
/// its own dash pattern and terminal glyph, so the lines stay apart without colour. Heat maps
/// use matplotlib's `Blues` (fastai's `plot_confusion_matrix`), and the count in a cell is
/// written in whichever of white or ink contrasts more with the cell.
public enum ChartPalette {
    /// An sRGB colour.
    public struct RGB: Sendable, Equatable {
        public var r: UInt8, g: UInt8, b: UInt8

        /// `#1f77b4`.
        public var hex: String { String(format: "#%02x%02x%02x", r, g, b) }

        /// WCAG's relative luminance.
        var luminance: Double {
            func linear(_ c: UInt8) -> Double {
                let v = Double(c) / 255
                return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
        }

        /// WCAG's contrast ratio between two colours (1…21).
        func contrast(with other: RGB) -> Double {
            let (a, b) = (luminance, other.luminance)
            return (max(a, b) + 0.05) / (min(a, b) + 0.05)
        }
    }

    static let seriesColors: [RGB] = [
        RGB(r: 0x1f, g: 0x77, b: 0xb4), RGB(r: 0xff, g: 0x7f, b: 0x0e), RGB(r: 0x2c, g: 0xa0, b: 0x2c),
        RGB(r: 0xd6, g: 0x27, b: 0x28), RGB(r: 0x94, g: 0x67, b: 0xbd), RGB(r: 0x8c, g: 0x56, b: 0x4b),
    ]
    static let dashes = ["", "7 4", "2 3", "9 3 2 3", "4 4", "1 5"]
    static let glyphs: [Character] = ["•", "+", "×", "∘", "▪", "*"]

    /// Series `i`'s colour (the palette repeats after six).
    public static func color(_ i: Int) -> RGB { seriesColors[i % seriesColors.count] }
    /// Series `i`'s SVG `stroke-dasharray` (empty: solid).
    public static func dash(_ i: Int) -> String { dashes[i % dashes.count] }
    /// Series `i`'s terminal glyph.
    public static func glyph(_ i: Int) -> Character { glyphs[i % glyphs.count] }

    /// The marker colour (fastai draws the suggestion in red).
    public static let marker = RGB(r: 0xc6, g: 0x28, b: 0x28)
    /// Text on light cells, and axes.
    public static let ink = RGB(r: 0x1b, g: 0x1f, b: 0x24)
    public static let white = RGB(r: 0xff, g: 0xff, b: 0xff)

    /// matplotlib's 9-step `Blues`, light to dark.
    static let blues: [RGB] = [
        RGB(r: 0xf7, g: 0xfb, b: 0xff), RGB(r: 0xde, g: 0xeb, b: 0xf7), RGB(r: 0xc6, g: 0xdb, b: 0xef),
        RGB(r: 0x9e, g: 0xca, b: 0xe1), RGB(r: 0x6b, g: 0xae, b: 0xd6), RGB(r: 0x42, g: 0x92, b: 0xc6),
        RGB(r: 0x21, g: 0x71, b: 0xb5), RGB(r: 0x08, g: 0x51, b: 0x9c), RGB(r: 0x08, g: 0x30, b: 0x6b),
    ]

    /// The heat map colour of `count` on a scale from 0 to `maximum` (the lightest blue when `maximum` is 0).
    public static func heat(_ count: Int, maximum: Int) -> RGB {
        let t = maximum > 0 ? min(1, max(0, Double(count) / Double(maximum))) : 0
        let position = t * Double(blues.count - 1)
        let i = min(blues.count - 2, Int(position))
        let f = position - Double(i)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * f).rounded()) }
        let (a, b) = (blues[i], blues[i + 1])
        return RGB(r: mix(a.r, b.r), g: mix(a.g, b.g), b: mix(a.b, b.b))
    }

    /// White or ink, whichever reads better on `background`.
    public static func text(on background: RGB) -> RGB {
        background.contrast(with: white) > background.contrast(with: ink) ? white : ink
    }
}
