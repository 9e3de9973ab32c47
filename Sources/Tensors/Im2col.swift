/// Unfolds convolution windows into the columns of a matrix, so a convolution becomes a GEMM.
enum Im2col {
    /// Writes `[C·kh·kw, N·R·OW]` for the output rows `rows` (R of them; all OH by default): row
    /// `(ci·kh + i)·kw + j` holds, for every image and output position, the input value under
    /// kernel tap `(i, j)` of channel `ci` (0 in the padding).
    static func unfold(
        _ x: UnsafePointer<Float>, n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, oh: Int, ow: Int,
        rows: Range<Int>? = nil, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>, parallel: Bool
    ) {
        let (sh, sw) = g.stride, (ph, pw) = g.padding, (dh, dw) = g.dilation
        let rows = rows ?? 0..<oh
        let spatial = rows.count * ow
        let columns = n * spatial
        Parallel.forEach(c, work: parallel ? kh * kw * columns : 0) { ci in
            for i in 0..<kh {
                for j in 0..<kw {
                    let row = col + ((ci * kh + i) * kw + j) * columns
                    let dx = j * dw - pw
                    // Output columns whose input column lies inside the image: lo..<hi.
                    let lo = min(ow, max(0, (-dx + sw - 1) / sw))
                    let hi = max(lo, min(ow, (w - dx + sw - 1) / sw))
                    for image in 0..<n {
                        let plane = x + (image * c + ci) * h * w
                        for r in rows {
                            let dstRow = row + image * spatial + (r - rows.lowerBound) * ow
                            let ih = r * sh - ph + i * dh
                            if ih < 0 || ih >= h {
                                dstRow.update(repeating: 0, count: ow)
                                continue
                            }
                            let srcRow = plane + ih * w
                            if lo > 0 { dstRow.update(repeating: 0, count: lo) }
                            if sw == 1 {
                                (dstRow + lo).update(from: srcRow + lo + dx, count: hi - lo)
                            } else if sw == 2 {
                                Deinterleave.evens(srcRow + lo * 2 + dx, count: hi - lo, into: dstRow + lo)
                            } else {
                                var iw = lo * sw + dx
                                for q in lo..<hi {
                                    dstRow[q] = srcRow[iw]
                                    iw += sw
                                }
                            }
                            if hi < ow { (dstRow + hi).update(repeating: 0, count: ow - hi) }
                        }
                    }
                }
            }
        }
    }
}
