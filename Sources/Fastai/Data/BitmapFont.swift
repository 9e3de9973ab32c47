/// A 6×13-pixel monospaced font for the titles of picture grids (show_batch, plot_top_losses), so PNGs need
/// no font library: printable ASCII from DejaVu Sans Mono (`scripts/make_font.py`); any other character is
/// drawn as `?`.
public enum BitmapFont {
    /// Pixels per character, across.
    public static let width = 6
    /// Pixels per line.
    public static let height = 13

    /// Whether pixel (`x`, `y`) of `character`'s cell is ink.
    public static func ink(_ character: Character, x: Int, y: Int) -> Bool {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return false }
        let code = character.asciiValue.map(Int.init).flatMap { (32...126).contains($0) ? $0 : nil } ?? 63
        return glyphRows[(code - 32) * height + y] & (1 << (width - 1 - x)) != 0
    }

    /// Draws `text` with its top-left corner at (`left`, `top`) into interleaved RGB `pixels` of
    /// `imageWidth`×`imageHeight`, in `color`; whatever falls outside the image is left out.
    static func draw(
        _ text: String, left: Int, top: Int, color: (UInt8, UInt8, UInt8), into pixels: inout [UInt8], imageWidth: Int, imageHeight: Int
    ) {
        for (i, character) in text.enumerated() {
            for y in 0..<height where (0..<imageHeight).contains(top + y) {
                for x in 0..<width where ink(character, x: x, y: y) {
                    let px = left + i * width + x
                    guard (0..<imageWidth).contains(px) else { continue }
                    let o = ((top + y) * imageWidth + px) * 3
                    (pixels[o], pixels[o + 1], pixels[o + 2]) = color
                }
            }
        }
    }
}
