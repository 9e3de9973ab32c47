import Foundation

extension TorchCheckpoint {
    /// Where a checkpoint's storages are: zip entries under a prefix, or byte ranges of a legacy file.
    enum StorageSource {
        case zip(ZipArchive, String)
        case legacy([UInt8], [String: Range<Int>])

        /// The raw little-endian bytes of a storage, checked against its declared size.
        func bytes(_ s: PickleStorage, file: String) throws -> [UInt8] {
            let size = try expectedSize(s, file: file)
            switch self {
            case .zip(let zip, let prefix):
                return try zip.read(prefix + s.key)
            case .legacy(let bytes, let ranges):
                guard let r = ranges[s.key], r.count == size else {
                    throw TorchCheckpointError(file: file, "storage '\(s.key)' is missing from the file")
                }
                return Array(bytes[r])
            }
        }

        /// A float32 storage read straight into Float32s (the common case: one copy).
        func floats(_ s: PickleStorage, file: String) throws -> [Float] {
            _ = try expectedSize(s, file: file)
            switch self {
            case .zip(let zip, let prefix):
                return try [Float](unsafeUninitializedCapacity: s.count) { buffer, count in
                    try zip.read(prefix + s.key, into: UnsafeMutableRawBufferPointer(buffer))
                    count = s.count
                }
            case .legacy(let bytes, let ranges):
                guard let r = ranges[s.key], r.count == s.count * 4 else {
                    throw TorchCheckpointError(file: file, "storage '\(s.key)' is missing from the file")
                }
                return [Float](unsafeUninitializedCapacity: s.count) { buffer, count in
                    bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[r])) }
                    count = s.count
                }
            }
        }

        private func expectedSize(_ s: PickleStorage, file: String) throws -> Int {
            let (size, overflow) = s.count.multipliedReportingOverflow(by: s.type.size)
            guard !overflow else { throw TorchCheckpointError(file: file, "storage '\(s.key)' is impossibly large (\(s.count) elements)") }
            if case .zip(let zip, let prefix) = self {
                guard let onDisk = try zip.size(of: prefix + s.key) else {
                    throw TorchCheckpointError(file: file, "storage '\(s.key)' has no entry \(prefix + s.key)")
                }
                guard onDisk == size else {
                    throw TorchCheckpointError(
                        file: file, "storage '\(s.key)' holds \(onDisk) bytes; \(s.count) \(s.type.rawValue) elements need \(size)")
                }
            }
            return size
        }
    }

    /// The named tensors of a state dict (or of the `state_dict`/`model` entry of a training checkpoint).
    static func stateDictTensors(_ root: PickleValue, _ u: Unpickler, file: String, nested: Bool = false) throws -> [(String, Int)] {
        guard case .dict(let d) = root else {
            throw TorchCheckpointError(file: file, "it holds \(u.describe(root)), not a state dict (a dict of tensors)")
        }
        let entries = u.dicts[d]
        let hasTensors = entries.contains { if case .tensor = $0.value { true } else { false } }
        if !hasTensors && !nested {
            for key in ["state_dict", "model", "model_state_dict", "state"] {
                if let inner = u.value(key, in: d), case .dict = inner { return try stateDictTensors(inner, u, file: file, nested: true) }
            }
        }
        guard hasTensors || entries.isEmpty else {
            throw TorchCheckpointError(file: file, "it holds a dict without tensors, not a state dict")
        }
        var out: [(String, Int)] = []
        for (k, v) in entries {
            guard case .string(let name) = k else { throw TorchCheckpointError(file: file, "a state dict key is \(u.describe(k)), not a string") }
            guard case .tensor(let t) = v else {
                throw TorchCheckpointError(file: file, "state dict entry '\(name)' is \(u.describe(v)), not a tensor")
            }
            out.append((name, t))
        }
        return out
    }

    /// Every tensor of the state dict as Float32, with the dtype it was stored as.
    static func materialise(_ root: PickleValue, _ u: Unpickler, _ source: StorageSource, file: String) throws -> SafetensorsArchive {
        let named = try stateDictTensors(root, u, file: file)
        var uses: [Int: Int] = [:]
        for (_, t) in named { uses[u.tensors[t].storage, default: 0] += 1 }
        var raw: [Int: [UInt8]] = [:]
        var archive = SafetensorsArchive()
        for (name, t) in named {
            let view = u.tensors[t]
            let storage = u.storages[view.storage]
            let elements = try checkedView(view, storage, name: name, file: file)
            let contiguous = isContiguous(view.shape, view.strides)
            var values: [Float]
            if storage.type == .float32, contiguous, view.offset == 0, elements == storage.count, uses[view.storage] == 1 {
                values = try source.floats(storage, file: file)
            } else {
                if raw[view.storage] == nil { raw[view.storage] = try source.bytes(storage, file: file) }
                let bytes = raw[view.storage]!
                values = bytes.withUnsafeBytes { b in
                    contiguous
                        ? convert(b, storage.type, from: view.offset, count: elements)
                        : gather(b, storage.type, view)
                }
            }
            archive.tensors[name] = Tensor(shape: view.shape, storage: values)
            archive.dtypes[name] = storage.type.safetensorsType
        }
        return archive
    }

    /// Checks that a view stays inside its storage and returns its element count.
    private static func checkedView(_ view: PickleTensor, _ storage: PickleStorage, name: String, file: String) throws -> Int {
        var elements = 1
        var last = view.offset
        for (size, stride) in zip(view.shape, view.strides) {
            let (e, o1) = elements.multipliedReportingOverflow(by: size)
            guard !o1 else { throw TorchCheckpointError(file: file, "tensor '\(name)' has an impossibly large shape") }
            elements = e
            if size > 0 {
                let (step, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (l, o3) = last.addingReportingOverflow(step)
                guard !o2, !o3 else { throw TorchCheckpointError(file: file, "tensor '\(name)' has impossibly large strides") }
                last = l
            }
        }
        if elements == 0 { return 0 }
        guard last < storage.count, elements <= storage.count else {
            throw TorchCheckpointError(
                file: file,
                "tensor '\(name)' (shape \(Tensor.describe(view.shape)), stride \(view.strides), offset \(view.offset)) reaches past its storage of \(storage.count) elements"
            )
        }
        return elements
    }

    private static func isContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// `count` elements from element `start` of little-endian storage bytes, as Float32.
    static func convert(_ b: UnsafeRawBufferPointer, _ type: TorchStorageType, from start: Int, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, n in
            let s = type.size
            switch type {
            case .float32:
                UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: b[start * 4..<(start + count) * 4]))
            case .float16:
                for i in 0..<count { out[i] = Float(Float16(bitPattern: b.loadUnaligned(fromByteOffset: (start + i) * s, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(b.loadUnaligned(fromByteOffset: (start + i) * s, as: UInt16.self)) << 16) }
            case .float64:
                for i in 0..<count { out[i] = Float(b.loadUnaligned(fromByteOffset: (start + i) * s, as: Double.self)) }
            case .int64:
                for i in 0..<count { out[i] = Float(b.loadUnaligned(fromByteOffset: (start + i) * s, as: Int64.self)) }
            case .int32:
                for i in 0..<count { out[i] = Float(b.loadUnaligned(fromByteOffset: (start + i) * s, as: Int32.self)) }
            case .int16:
                for i in 0..<count { out[i] = Float(b.loadUnaligned(fromByteOffset: (start + i) * s, as: Int16.self)) }
            case .int8:
                for i in 0..<count { out[i] = Float(Int8(bitPattern: b[start + i])) }
            case .uint8, .bool:
                for i in 0..<count { out[i] = Float(b[start + i]) }
            }
            n = count
        }
    }

    /// A strided view copied out in row-major order.
    private static func gather(_ b: UnsafeRawBufferPointer, _ type: TorchStorageType, _ view: PickleTensor) -> [Float] {
        let all = convert(b, type, from: 0, count: b.count / type.size)
        let count = view.shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: view.shape.count)
        var position = view.offset
        for i in 0..<count {
            out[i] = all[position]
            // Odometer over the dimensions, last fastest.
            var d = view.shape.count - 1
            while d >= 0 {
                index[d] += 1
                position += view.strides[d]
                if index[d] < view.shape[d] { break }
                position -= view.strides[d] * view.shape[d]
                index[d] = 0
                d -= 1
            }
        }
        return out
    }
}
