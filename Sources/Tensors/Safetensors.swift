import Foundation

/// An element type a safetensors file can declare.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case f64 = "F64"
    case i64 = "I64"
    case i32 = "I32"
    case u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64: 8
        case .f32, .i32: 4
        case .f16, .bf16: 2
        case .u8, .bool: 1
        }
    }
}

/// A problem with a safetensors file, naming the file and what was expected.
public struct SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, _ message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// The tensors of a safetensors file, converted to Float32, with the dtype each was stored as.
public struct SafetensorsArchive: Sendable, Equatable {
    /// Tensors by name, in the file's name order.
    public var tensors: [String: Tensor]
    /// How each tensor was (or will be) stored.
    public var dtypes: [String: SafetensorsDType]
    /// The free-form `__metadata__` strings.
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], dtypes: [String: SafetensorsDType] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.dtypes = dtypes
        self.metadata = metadata
    }

    /// Sorted tensor names.
    public var names: [String] { tensors.keys.sorted() }

    /// Reads a file from disk.
    public static func read(contentsOf url: URL) throws(SafetensorsError) -> SafetensorsArchive {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SafetensorsError(file: url.path, "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, file: url.path)
    }

    /// Parses the bytes of a safetensors file; `file` names it in errors.
    public static func decode(_ data: Data, file: String = "<memory>") throws(SafetensorsError) -> SafetensorsArchive {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw SafetensorsError(file: file, "file is \(bytes.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(bytes[i]) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw SafetensorsError(file: file, "header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd]))
        } catch {
            throw SafetensorsError(file: file, "header is not valid JSON")
        }
        guard let header = json as? [String: Any] else {
            throw SafetensorsError(file: file, "header must be a JSON object of tensor entries")
        }
        // JSONSerialization keeps one of two equal keys silently; a file that names a tensor twice is corrupt.
        var seenKeys = Set<String>()
        for key in topLevelKeys(bytes[8..<headerEnd]) where !seenKeys.insert(key).inserted {
            throw SafetensorsError(file: file, "tensor '\(key)' appears twice in the header")
        }
        let bufferSize = bytes.count - headerEnd
        var archive = SafetensorsArchive()
        var ranges: [(Range<Int>, String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: String] else {
                    throw SafetensorsError(file: file, "__metadata__ must map strings to strings")
                }
                archive.metadata = meta
                continue
            }
            guard let entry = value as? [String: Any] else {
                throw SafetensorsError(file: file, "tensor '\(name)': expected an object with dtype, shape, data_offsets")
            }
            guard let dtypeName = entry["dtype"] as? String else {
                throw SafetensorsError(file: file, "tensor '\(name)': missing dtype")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw SafetensorsError(
                    file: file,
                    "tensor '\(name)': unsupported dtype \(dtypeName) (expected one of \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            guard let shapeValues = entry["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError(file: file, "tensor '\(name)': shape must be a list of non-negative integers")
            }
            guard let offsetValues = entry["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2 else {
                throw SafetensorsError(file: file, "tensor '\(name)': data_offsets must be two integers [begin, end]")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= bufferSize else {
                throw SafetensorsError(
                    file: file, "tensor '\(name)': data_offsets [\(begin), \(end)] lie outside the \(bufferSize)-byte data section")
            }
            let (elements, overflow) = shape.reduce((1, false)) { acc, d in
                let (v, o) = acc.0.multipliedReportingOverflow(by: d)
                return (v, acc.1 || o)
            }
            guard !overflow, elements.multipliedReportingOverflow(by: dtype.size).partialValue == end - begin,
                !elements.multipliedReportingOverflow(by: dtype.size).overflow
            else {
                throw SafetensorsError(
                    file: file,
                    "tensor '\(name)': shape \(Tensor.describe(shape)) of \(dtype.rawValue) needs \(elements &* dtype.size) bytes but data_offsets give \(end - begin)"
                )
            }
            ranges.append((begin..<end, name))
            archive.dtypes[name] = dtype
            archive.tensors[name] = Tensor(shape: shape, storage: convert(bytes, from: headerEnd + begin, count: elements, dtype))
        }
        // An empty tensor occupies no bytes, so it cannot overlap anything (safetensors writes them at a shared offset).
        ranges.removeAll { $0.0.isEmpty }
        ranges.sort { $0.0.lowerBound < $1.0.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.0.upperBound > b.0.lowerBound {
            throw SafetensorsError(file: file, "tensors '\(a.1)' and '\(b.1)' overlap in the data section")
        }
        return archive
    }

    /// The keys of the outermost JSON object, in order (the header already parsed as valid JSON).
    static func topLevelKeys(_ json: ArraySlice<UInt8>) -> [String] {
        var keys: [String] = []
        var depth = 0
        var i = json.startIndex
        var expectKey = false
        while i < json.endIndex {
            let b = json[i]
            switch b {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = b == UInt8(ascii: "{") && depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectKey = depth == 1
            case UInt8(ascii: "\""):
                var j = i + 1
                var raw: [UInt8] = [UInt8(ascii: "\"")]
                while j < json.endIndex && json[j] != UInt8(ascii: "\"") {
                    if json[j] == UInt8(ascii: "\\") {
                        raw.append(json[j])
                        j += 1
                    }
                    if j < json.endIndex { raw.append(json[j]) }
                    j += 1
                }
                raw.append(UInt8(ascii: "\""))
                if expectKey, depth == 1, let key = (try? JSONSerialization.jsonObject(with: Data(raw), options: .fragmentsAllowed)) as? String {
                    keys.append(key)
                }
                expectKey = false
                i = j
            default: break
            }
            i += 1
        }
        return keys
    }

    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let n = v as? Int else { return nil }
            out.append(n)
        }
        return out
    }

    private static func convert(_ b: [UInt8], from start: Int, count: Int, _ dtype: SafetensorsDType) -> [Float] {
        func word(_ i: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in (0..<n).reversed() { v = v << 8 | UInt64(b[start + i * n + k]) }
            return v
        }
        return (0..<count).map { i in
            switch dtype {
            case .f32: Float(bitPattern: UInt32(word(i, 4)))
            case .f64: Float(Double(bitPattern: word(i, 8)))
            case .f16: Float(Float16(bitPattern: UInt16(word(i, 2))))
            case .bf16: Float(bitPattern: UInt32(word(i, 2)) << 16)
            case .i64: Float(Int64(bitPattern: word(i, 8)))
            case .i32: Float(Int32(bitPattern: UInt32(word(i, 4))))
            case .u8, .bool: Float(b[start + i])
            }
        }
    }

    /// The bytes of a safetensors file: tensors in name order, F32 unless `dtypes` says I64.
    public func encoded() -> Data {
        var header: [String: Any] = [:]
        var body = Data()
        for name in names {
            let t = tensors[name]!
            let dtype: SafetensorsDType = dtypes[name] == .i64 ? .i64 : .f32
            let begin = body.count
            if dtype == .i64 {
                for v in t.storage { withUnsafeBytes(of: Int64(v).littleEndian) { body.append(contentsOf: $0) } }
            } else {
                for v in t.storage { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            }
            header[name] = ["dtype": dtype.rawValue, "shape": t.shape, "data_offsets": [begin, body.count]]
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws(SafetensorsError) {
        do { try encoded().write(to: url, options: .atomic) } catch {
            throw SafetensorsError(file: url.path, "cannot write the file (\(error.localizedDescription))")
        }
    }
}
