import Tensors

/// An IDX file of unsigned bytes (the MNIST format): `0x00 0x00 0x08 <rank>`, then `rank` big-endian
/// 32-bit dimensions, then the values row-major. Images are `[count, rows, cols]`, labels `[count]`.
public struct IDXFile: Sendable, Equatable {
    /// The dimensions, outermost first.
    public let dimensions: [Int]
    /// The values, row-major.
    public let values: [UInt8]

    /// Parses the bytes of an (already decompressed) IDX file; `name` is used in error messages.
    public init(bytes: [UInt8], name: String) throws(DataError) {
        guard bytes.count >= 4 else {
            throw DataError("\(name): \(bytes.count) bytes is too short for an IDX file (expected a 4-byte magic number)")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw DataError(
                "\(name): not an IDX file (the magic number must start with two zero bytes, got \(bytes[0]) \(bytes[1]))")
        }
        guard bytes[2] == 0x08 else {
            throw DataError("\(name): IDX element type 0x\(String(bytes[2], radix: 16)) is not supported (expected 0x08, unsigned bytes)")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw DataError("\(name): an IDX file needs at least one dimension, got 0") }
        let header = 4 + 4 * rank
        guard bytes.count >= header else {
            throw DataError("\(name): the header announces \(rank) dimensions but the file ends after \(bytes.count) bytes")
        }
        var dims: [Int] = []
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let v = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            dims.append(v)
            let (product, overflow) = total.multipliedReportingOverflow(by: v)
            guard !overflow else { throw DataError("\(name): dimensions \(dims) are too large") }
            total = product
        }
        guard bytes.count - header == total else {
            throw DataError(
                "\(name): dimensions \(dims.map(String.init).joined(separator: "×")) need \(total) values, "
                    + "but the file holds \(bytes.count - header)")
        }
        dimensions = dims
        values = Array(bytes[header...])
    }

    /// Reads and parses a gzip'd (or plain) IDX file.
    public init(contentsOfFile path: String) throws(DataError) {
        let bytes: [UInt8]
        do { bytes = try Zlib.gunzip(contentsOf: path) } catch { throw DataError(error.message) }
        try self.init(bytes: bytes, name: path)
    }
}
