import CZlib
import Foundation

/// zlib, for the two things LearnerLens needs from it: CRC-32 checks of zip entries
/// (`ZipArchive`) and gzip'd data files (Fashion-MNIST's IDX files). The only file that imports
/// zlib: no zlib pointer leaves it.
public enum Zlib {
    /// zlib's CRC-32 of `bytes`, in one piece per core above 4 MB, joined with `crc32_combine`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        let pieces = bytes.count < 4 << 20 ? 1 : min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 8)
        let length = (bytes.count + pieces - 1) / pieces
        nonisolated(unsafe) let base = bytes.baseAddress
        nonisolated(unsafe) var crcs = [UInt](repeating: 0, count: pieces)
        let count = bytes.count
        crcs.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: pieces) { p in
                let start = p * length
                var crc = CZlib.crc32(0, nil, 0)
                var at = start
                let end = min(start + length, count)
                while at < end {
                    let n = min(end - at, 1 << 30)
                    crc = CZlib.crc32(crc, base!.advanced(by: at).assumingMemoryBound(to: UInt8.self), UInt32(n))
                    at += n
                }
                out[p] = crc
            }
        }
        var crc = crcs[0]
        for p in 1..<pieces {
            let start = p * length
            let n = max(0, min(start + length, count) - start)
            crc = crc32_combine(crc, crcs[p], off_t(n))
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The whole decompressed content of the gzip file at `path` (a file that is not gzip'd is read
    /// as it is, as zlib's `gzread` does).
    public static func gunzip(contentsOf path: String) throws(ZlibError) -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw ZlibError("\(path): cannot open the file") }
        defer { gzclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
                throw ZlibError("\(path): not a readable gzip file (zlib: \(message))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        return out
    }
}

/// A gzip file zlib could not read, with the path and zlib's own words.
public struct ZlibError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
