import CZlib

/// Reads gzip'd files through zlib. The only file that imports zlib: no zlib pointer leaves it.
public enum Gzip {
    /// The whole decompressed content of the gzip file at `path` (a file that is not gzip'd is read as it is,
    /// as zlib's `gzread` does).
    public static func contents(ofFile path: String) throws(DataError) -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw DataError("\(path): cannot open the file") }
        defer { gzclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw DataError("\(path): not a readable gzip file (zlib: \(message))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        return out
    }
}
