import CZip
import Foundation

/// A problem reading a zip file: which file, which entry, what libzip said.
public struct ZipError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// A zip archive opened read-only through libzip (the only file that imports `CZip`).
///
/// libzip inflates deflated entries and checks every entry's CRC-32 when it is read to the end,
/// so a damaged entry is an error here, never silently wrong bytes. No libzip pointer leaves
/// this class; it closes the archive when it goes away.
public final class ZipArchive {
    private let archive: OpaquePointer
    /// The bytes a memory-backed archive reads from; libzip borrows them, so they live as long as it.
    private let buffer: UnsafeMutableRawBufferPointer?
    /// The file (or `<memory>` name) for messages.
    public let file: String
    /// Entry names in the central directory's order.
    public let names: [String]
    private let index: [String: UInt64]
    /// Bytes in the archive: no entry can hold more compressed data than this.
    private let byteCount: UInt64

    /// Opens the zip file at `url`.
    public convenience init(contentsOf url: URL) throws(ZipError) {
        var code: Int32 = 0
        guard let z = zip_open(url.path, ZIP_RDONLY | ZIP_CHECKCONS, &code) else {
            throw ZipError(file: url.path, Self.openMessage(code))
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
        try self.init(archive: z, buffer: nil, byteCount: size, file: url.path)
    }

    /// Opens a zip held in memory; `file` names it in errors.
    public convenience init(_ data: Data, file: String = "<memory>") throws(ZipError) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(data.count, 1), alignment: 16)
        data.copyBytes(to: copy)
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(copy.baseAddress, UInt64(data.count), 0, &error) else {
            copy.deallocate()
            throw ZipError(file: file, "cannot read the zip (\(String(cString: zip_error_strerror(&error))))")
        }
        guard let z = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) else {
            let code = zip_error_code_zip(&error)
            zip_source_free(source)
            copy.deallocate()
            throw ZipError(file: file, Self.openMessage(code))
        }
        do { try self.init(archive: z, buffer: copy, byteCount: UInt64(data.count), file: file) } catch {
            throw error
        }
    }

    private init(archive z: OpaquePointer, buffer: UnsafeMutableRawBufferPointer?, byteCount: UInt64, file: String) throws(ZipError) {
        let count = zip_get_num_entries(z, 0)
        var names: [String] = []
        var index: [String: UInt64] = [:]
        for i in 0..<UInt64(max(count, 0)) {
            guard let cName = zip_get_name(z, i, ZIP_FL_ENC_RAW) else { continue }
            let name = String(decoding: UnsafeRawBufferPointer(start: cName, count: strlen(cName)), as: UTF8.self)
            if index[name] == nil {
                names.append(name)
                index[name] = i
            }
        }
        self.archive = z
        self.buffer = buffer
        self.byteCount = byteCount
        self.file = file
        self.names = names
        self.index = index
    }

    deinit {
        zip_discard(archive)
        buffer?.deallocate()
    }

    private static func openMessage(_ code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        let what = String(cString: zip_error_strerror(&error))
        switch code {
        case ZIP_ER_NOZIP, ZIP_ER_INCONS:
            return "not a readable zip archive: \(what) (a truncated or damaged file?)"
        default:
            return "cannot open the zip archive: \(what)"
        }
    }

    /// The uncompressed size of an entry, or nil when there is no such entry. A size the entry's
    /// compressed data cannot hold (a damaged or hostile header) is an error, so that nobody
    /// allocates for it.
    public func size(of name: String) throws(ZipError) -> Int? {
        guard let i = index[name] else { return nil }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        let needed = UInt64(ZIP_STAT_SIZE) | UInt64(ZIP_STAT_COMP_SIZE) | UInt64(ZIP_STAT_COMP_METHOD)
        guard zip_stat_index(archive, i, 0, &stat) == 0, stat.valid & needed == needed else {
            throw ZipError(file: file, "entry '\(name)': libzip cannot tell its size")
        }
        // Stored data is as long as it says; deflate expands at most 1032 to 1.
        let limit = stat.comp_method == UInt16(ZIP_CM_STORE) ? stat.comp_size : stat.comp_size.multipliedReportingOverflow(by: 1032).partialValue
        guard stat.comp_size <= byteCount, stat.size <= limit, stat.size <= UInt64(Int.max) else {
            throw ZipError(
                file: file,
                "entry '\(name)' claims \(stat.size) bytes from \(stat.comp_size) compressed bytes in a \(byteCount)-byte file: the zip is damaged")
        }
        return Int(stat.size)
    }

    /// Reads a whole entry.
    public func read(_ name: String) throws(ZipError) -> [UInt8] {
        guard let size = try size(of: name) else { throw ZipError(file: file, "no entry '\(name)' in the archive") }
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count throws(ZipError) in
            try read(name, into: UnsafeMutableRawBufferPointer(buffer))
            count = size
        }
    }

    /// Reads a whole entry into `destination`, which must be exactly the entry's size; the CRC is
    /// checked at the end of the entry.
    public func read(_ name: String, into destination: UnsafeMutableRawBufferPointer) throws(ZipError) {
        guard let i = index[name], let size = try size(of: name) else { throw ZipError(file: file, "no entry '\(name)' in the archive") }
        guard size == destination.count else {
            throw ZipError(file: file, "entry '\(name)' holds \(size) bytes, expected \(destination.count)")
        }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        let crcKnown =
            zip_stat_index(archive, i, 0, &stat) == 0
            && stat.valid & UInt64(ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD)
                == UInt64(ZIP_STAT_CRC | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD)
        if crcKnown, stat.comp_method == UInt16(ZIP_CM_STORE), stat.encryption_method == UInt16(ZIP_EM_NONE) {
            // Stored (torch.save's choice): read the bytes as they are and check the CRC here, on
            // every core, instead of libzip's one-core check while reading.
            try readRaw(i, name: name, size: size, into: destination)
            let crc = Zlib.crc32(UnsafeRawBufferPointer(destination))
            guard crc == stat.crc else {
                throw ZipError(
                    file: file,
                    "entry '\(name)': CRC-32 mismatch: the stored data is damaged (CRC error: the data hashes to \(String(crc, radix: 16)), the zip says \(String(stat.crc, radix: 16)))"
                )
            }
            return
        }
        guard let f = zip_fopen_index(archive, i, 0) else {
            throw ZipError(file: file, "cannot open entry '\(name)': \(String(cString: zip_strerror(archive)))")
        }
        defer { zip_fclose(f) }
        try readFully(f, name: name, size: size, into: destination)
        // libzip compares the CRC when a read reaches the end of the data: ask for one more byte.
        var extra: UInt8 = 0
        let n = zip_fread(f, &extra, 1)
        if n < 0 { throw ZipError(file: file, "entry '\(name)': \(Self.readMessage(f))") }
        if n > 0 { throw ZipError(file: file, "entry '\(name)' holds more bytes than its declared \(size)") }
    }

    /// Copies a stored entry's bytes without libzip's CRC check (the caller checks it).
    private func readRaw(_ i: UInt64, name: String, size: Int, into destination: UnsafeMutableRawBufferPointer) throws(ZipError) {
        guard let f = zip_fopen_index(archive, i, ZIP_FL_COMPRESSED) else {
            throw ZipError(file: file, "cannot open entry '\(name)': \(String(cString: zip_strerror(archive)))")
        }
        defer { zip_fclose(f) }
        try readFully(f, name: name, size: size, into: destination)
    }

    /// Reads `size` bytes of an open entry into `destination`, naming a short or failed read.
    private func readFully(_ f: OpaquePointer, name: String, size: Int, into destination: UnsafeMutableRawBufferPointer) throws(ZipError) {
        var done = 0
        while done < size {
            let n = zip_fread(f, destination.baseAddress! + done, UInt64(size - done))
            if n < 0 { throw ZipError(file: file, "entry '\(name)': \(Self.readMessage(f))") }
            if n == 0 { throw ZipError(file: file, "entry '\(name)' ends after \(done) of its \(size) bytes (truncated file?)") }
            done += Int(n)
        }
    }

    private static func readMessage(_ f: OpaquePointer) -> String {
        let code = zip_error_code_zip(zip_file_get_error(f))
        let what = String(cString: zip_file_strerror(f))
        return code == ZIP_ER_CRC ? "CRC-32 mismatch: the stored data is damaged (\(what))" : what
    }
}
