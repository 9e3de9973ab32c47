import Foundation

/// A problem with a PyTorch checkpoint: which file, and what was wrong or refused.
public struct TorchCheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    /// True when the file was refused for what it names (not a tensor), rather than for being damaged.
    public var refused: Bool

    public init(file: String, _ message: String, refused: Bool = false) {
        self.file = file
        self.message = message
        self.refused = refused
    }
    public var description: String { refused ? "refusing to load \(file): \(message)" : "\(file): \(message)" }
}

/// Reads the tensors of a file written by `torch.save(state_dict, PATH)` without Python and without
/// running anything the file names.
///
/// Two containers are read: the zip written since PyTorch 1.6 (`<prefix>/data.pkl` plus one entry
/// `<prefix>/data/<key>` per storage, through libzip, CRCs checked) and the legacy stream of
/// pickles before it (`_use_new_zipfile_serialization=False`, and torchvision's older downloads).
/// The pickle goes through `Unpickler`'s allow-list; each tensor is materialised from its storage
/// with its offset and strides, as Float32 (float16/bfloat16/float64/int64 are converted).
public enum TorchCheckpoint {
    /// The container a file uses, from its first bytes.
    public enum Format: String, Sendable {
        case zip, legacy, tar, unknown
    }

    /// Recognises the container from the first bytes of a file.
    public static func format(of head: some Collection<UInt8>) -> Format {
        let b = Array(head.prefix(512))
        if b.starts(with: [0x50, 0x4b, 0x03, 0x04]) || b.starts(with: [0x50, 0x4b, 0x05, 0x06]) { return .zip }
        if b.count >= 262, Array(b[257..<262]) == Array("ustar".utf8) { return .tar }
        if b.starts(with: [0x80, 0x02, 0x8a, 0x0a]) { return .legacy }
        return .unknown
    }

    /// Reads a checkpoint file from disk.
    public static func read(contentsOf url: URL) throws(TorchCheckpointError) -> SafetensorsArchive {
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: 512) ?? Data()
        } catch {
            throw TorchCheckpointError(file: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        if format(of: head) == .zip {
            let zip: ZipArchive
            do { zip = try ZipArchive(contentsOf: url) } catch { throw TorchCheckpointError(file: url.path, error.message) }
            return try readZip(zip, file: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TorchCheckpointError(file: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, file: url.path)
    }

    /// Parses the bytes of a checkpoint; `file` names it in errors.
    public static func decode(_ data: Data, file: String = "<memory>") throws(TorchCheckpointError) -> SafetensorsArchive {
        switch format(of: data.prefix(512)) {
        case .zip:
            let zip: ZipArchive
            do { zip = try ZipArchive(data, file: file) } catch { throw TorchCheckpointError(file: file, error.message) }
            return try readZip(zip, file: file)
        case .legacy:
            return try readLegacy([UInt8](data), file: file)
        case .tar:
            throw TorchCheckpointError(
                file: file, "a tar-format checkpoint (PyTorch before 0.4) is not supported: load and save it again with a current PyTorch")
        case .unknown:
            throw TorchCheckpointError(
                file: file, "not a PyTorch checkpoint: it starts with neither a zip header (torch.save since 1.6) nor the legacy pickle magic number")
        }
    }

    // MARK: - containers

    private static func readZip(_ zip: ZipArchive, file: String) throws(TorchCheckpointError) -> SafetensorsArchive {
        let pickles = zip.names.filter { $0.hasSuffix("/data.pkl") && $0.split(separator: "/", omittingEmptySubsequences: false).count == 2 }
        guard pickles.count == 1, let pickleName = pickles.first else {
            throw TorchCheckpointError(
                file: file,
                pickles.isEmpty
                    ? "a zip without `<name>/data.pkl`: not written by torch.save" : "several `data.pkl` entries (\(pickles.joined(separator: ", ")))"
            )
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        do {
            if try zip.size(of: prefix + "byteorder") != nil {
                let order = String(decoding: try zip.read(prefix + "byteorder"), as: UTF8.self)
                guard order == "little" else {
                    throw TorchCheckpointError(file: file, "byte order '\(order)': only little-endian checkpoints are read")
                }
            }
            var unpickler = Unpickler(try zip.read(pickleName))
            let root = try load(&unpickler, file: file, part: pickleName)
            let source = StorageSource.zip(zip, prefix + "data/")
            var archive = try materialise(root, unpickler, source, file: file)
            archive.metadata["format"] = "torch zip"
            return archive
        } catch let error as ZipError {
            throw TorchCheckpointError(file: file, error.message)
        } catch let error as TorchCheckpointError {
            throw error
        } catch {
            throw TorchCheckpointError(file: file, "\(error)")
        }
    }

    /// `0x1950a86a20f9469cfc6c`, the first pickle of a legacy file, as LONG1's little-endian bytes.
    static let legacyMagic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

    private static func readLegacy(_ bytes: [UInt8], file: String) throws(TorchCheckpointError) -> SafetensorsArchive {
        var u = Unpickler(bytes)
        guard try load(&u, file: file, part: "magic number") == .bigInt(legacyMagic) else {
            throw TorchCheckpointError(file: file, "not a PyTorch checkpoint: wrong magic number")
        }
        guard try load(&u, file: file, part: "protocol version") == .int(1001) else {
            throw TorchCheckpointError(file: file, "unsupported legacy protocol version (expected 1001)")
        }
        if case .dict(let d) = try load(&u, file: file, part: "system info"), u.value("little_endian", in: d) == .bool(false) {
            throw TorchCheckpointError(file: file, "a big-endian checkpoint: only little-endian checkpoints are read")
        }
        let root = try load(&u, file: file, part: "state dict")
        guard case .list(let keyList) = try load(&u, file: file, part: "storage keys") else {
            throw TorchCheckpointError(file: file, "the storage key list is not a list")
        }
        var ranges: [String: Range<Int>] = [:]
        var position = u.position
        let byKey = Dictionary(u.storages.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for keyValue in u.lists[keyList] {
            guard case .string(let key) = keyValue, let storage = byKey[key] else {
                throw TorchCheckpointError(file: file, "the storage key list names a storage the state dict does not use")
            }
            guard bytes.count - position >= 8 else {
                throw TorchCheckpointError(file: file, "storage '\(key)' starts past the end of the file (truncated?)")
            }
            let count = bytes[position..<position + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard count == UInt64(storage.count) else {
                throw TorchCheckpointError(file: file, "storage '\(key)' holds \(count) elements, the state dict says \(storage.count)")
            }
            let start = position + 8
            let (size, overflow) = storage.count.multipliedReportingOverflow(by: storage.type.size)
            guard !overflow, size <= bytes.count - start else {
                throw TorchCheckpointError(file: file, "storage '\(key)' runs past the end of the file (truncated?)")
            }
            ranges[key] = start..<start + size
            position = start + size
        }
        let archive: SafetensorsArchive
        do {
            archive = try materialise(root, u, .legacy(bytes, ranges), file: file)
        } catch let error as TorchCheckpointError {
            throw error
        } catch {
            throw TorchCheckpointError(file: file, "\(error)")
        }
        var out = archive
        out.metadata["format"] = "torch legacy"
        return out
    }

    private static func load(_ u: inout Unpickler, file: String, part: String) throws(TorchCheckpointError) -> PickleValue {
        do { return try u.load() } catch {
            guard let name = error.refusedGlobal else { throw TorchCheckpointError(file: file, "\(part), \(error)") }
            let modelPrefixes = ["torch.nn.", "torchvision.", "fastai.", "timm.", "__main__."]
            if modelPrefixes.contains(where: name.hasPrefix), let first = name.split(separator: ".").last?.first, first.isUppercase {
                throw TorchCheckpointError(
                    file: file,
                    "it holds a pickled model (`\(name)`), not a state dict of tensors. In Python, save the weights instead: torch.save(model.state_dict(), PATH)",
                    refused: true)
            }
            throw TorchCheckpointError(
                file: file,
                "`\(name)` is not a tensor (a checkpoint may name only tensors, their storages and OrderedDict; torch.load with weights_only=False would have run it)",
                refused: true)
        }
    }
}
