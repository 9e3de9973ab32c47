/// A value on the stack of `Unpickler`. Containers live in the unpickler's arena and are named
/// by index, so a value never owns another: a deeply nested or cyclic pickle cannot recurse
/// when it is freed.
public enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`: its little-endian two's-complement bytes (LONG1/LONG4).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// Arena indices: `Unpickler.tuples`, `.lists`, `.dicts`, `.tensors`, `.storages`.
    case tuple(Int)
    case list(Int)
    case dict(Int)
    case tensor(Int)
    case storage(Int)
    /// A global from the allow-list.
    case global(PickleGlobal)
}

/// The only Python globals a checkpoint may name. Anything else is refused when the pickle names
/// it, before any other opcode runs.
public enum PickleGlobal: String, Sendable, CaseIterable {
    case orderedDict = "collections.OrderedDict"
    case rebuildTensorV2 = "torch._utils._rebuild_tensor_v2"
    case rebuildTensor = "torch._utils._rebuild_tensor"
    case rebuildParameter = "torch._utils._rebuild_parameter"
    case rebuildParameterWithState = "torch._utils._rebuild_parameter_with_state"
    case rebuildFromType = "torch._tensor._rebuild_from_type_v2"
    case tensorType = "torch._tensor.Tensor"
    case tensorTypeShort = "torch.Tensor"
    case parameterType = "torch.nn.parameter.Parameter"
    case floatStorage = "torch.FloatStorage"
    case halfStorage = "torch.HalfStorage"
    case bfloat16Storage = "torch.BFloat16Storage"
    case doubleStorage = "torch.DoubleStorage"
    case longStorage = "torch.LongStorage"
    case intStorage = "torch.IntStorage"
    case shortStorage = "torch.ShortStorage"
    case charStorage = "torch.CharStorage"
    case byteStorage = "torch.ByteStorage"
    case boolStorage = "torch.BoolStorage"

    /// The element type of a storage class, nil for the other globals.
    public var storageType: TorchStorageType? {
        switch self {
        case .floatStorage: .float32
        case .halfStorage: .float16
        case .bfloat16Storage: .bfloat16
        case .doubleStorage: .float64
        case .longStorage: .int64
        case .intStorage: .int32
        case .shortStorage: .int16
        case .charStorage: .int8
        case .byteStorage: .uint8
        case .boolStorage: .bool
        default: nil
        }
    }
}

/// The element type of a PyTorch storage.
public enum TorchStorageType: String, Sendable, CaseIterable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// How the tensor is reported (safetensors' names); int16/int8 are read as I32/U8-like values.
    public var safetensorsType: SafetensorsDType {
        switch self {
        case .float32: .f32
        case .float16: .f16
        case .bfloat16: .bf16
        case .float64: .f64
        case .int64: .i64
        case .int32, .int16: .i32
        case .int8, .uint8: .u8
        case .bool: .bool
        }
    }
}

/// A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`.
public struct PickleStorage: Sendable, Equatable {
    public var type: TorchStorageType
    public var key: String
    public var count: Int
}

/// A tensor view that `_rebuild_tensor_v2` would make: a storage, an offset and strides in elements.
public struct PickleTensor: Sendable, Equatable {
    public var storage: Int
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
}
