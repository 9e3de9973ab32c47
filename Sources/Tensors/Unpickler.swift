/// A malformed or refused pickle: where (byte offset) and what.
public struct PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset of the opcode in the pickle stream.
    public var offset: Int
    public var message: String
    /// The dotted name of a global outside the allow-list, when that is why the pickle was refused.
    public var refusedGlobal: String?

    public init(offset: Int, _ message: String, refusedGlobal: String? = nil) {
        self.offset = offset
        self.message = message
        self.refusedGlobal = refusedGlobal
    }
    public var description: String { "byte \(offset): \(message)" }
}

/// A pickle reader (protocols 2–5) that only builds data: dicts, lists, tuples, numbers, strings
/// and the tensor views `torch.save` writes. It never imports or calls anything. A GLOBAL outside
/// `PickleGlobal` stops the read at once; REDUCE/NEWOBJ/BUILD are interpreted for the few allowed
/// globals only (OrderedDict is a dict, `_rebuild_tensor_v2` is a view of a storage).
public struct Unpickler {
    public private(set) var tuples: [[PickleValue]] = []
    public private(set) var lists: [[PickleValue]] = []
    public private(set) var dicts: [[(key: PickleValue, value: PickleValue)]] = []
    public private(set) var tensors: [PickleTensor] = []
    public private(set) var storages: [PickleStorage] = []
    /// Where the next `load()` starts.
    public private(set) var position: Int

    private let bytes: [UInt8]
    private var storageByKey: [String: Int] = [:]
    /// Per dict, where each string key sits (a later SETITEM of the same key replaces the value).
    private var dictKeys: [[String: Int]] = []
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var opcodeStart = 0

    /// A reader over `bytes` starting at `start`.
    public init(_ bytes: [UInt8], start: Int = 0) {
        self.bytes = bytes
        self.position = start
    }

    /// The string value of `key` in dict `d` (state dicts have string keys).
    public func value(_ key: String, in d: Int) -> PickleValue? {
        guard d < dictKeys.count, let i = dictKeys[d][key] else { return nil }
        return dicts[d][i].value
    }

    /// Reads one pickle, up to and including its STOP opcode, and returns its value.
    public mutating func load() throws(PickleError) -> PickleValue {
        stack.removeAll()
        marks.removeAll()
        memo.removeAll()
        while true {
            opcodeStart = position
            let op = try byte()
            switch op {
            case 0x80:  // PROTO
                let v = try byte()
                guard v <= 5 else { throw fail("pickle protocol \(v) is newer than 5") }
            case 0x95: _ = try fixed(8)  // FRAME: a length hint only
            case 0x2e:  // STOP
                let v = try pop()
                return v
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32: stack.append(try top())  // DUP
            case 0x4e: stack.append(.none)  // NONE
            case 0x88: stack.append(.bool(true))  // NEWTRUE
            case 0x89: stack.append(.bool(false))  // NEWFALSE
            case 0x4b: stack.append(.int(Int(try byte())))  // BININT1
            case 0x4d: stack.append(.int(Int(try unsigned(2))))  // BININT2
            case 0x4a: stack.append(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))  // BININT
            case 0x8a: stack.append(try long(Int(try byte())))  // LONG1
            case 0x8b: stack.append(try long(try length(4)))  // LONG4
            case 0x47:  // BINFLOAT: big-endian double
                let b = try fixed(8)
                stack.append(.float(Double(bitPattern: b.reduce(0) { $0 << 8 | UInt64($1) })))
            case 0x58: stack.append(.string(try text(try length(4))))  // BINUNICODE
            case 0x8c: stack.append(.string(try text(Int(try byte()))))  // SHORT_BINUNICODE
            case 0x8d: stack.append(.string(try text(try length(8))))  // BINUNICODE8
            case 0x55: stack.append(.string(try text(Int(try byte()), latin1: true)))  // SHORT_BINSTRING
            case 0x54: stack.append(.string(try text(try length(4), latin1: true)))  // BINSTRING
            case 0x43: stack.append(.bytes(try fixed(Int(try byte()))))  // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(try fixed(try length(4))))  // BINBYTES
            case 0x8e: stack.append(.bytes(try fixed(try length(8))))  // BINBYTES8
            case 0x96: stack.append(.bytes(try fixed(try length(8))))  // BYTEARRAY8
            case 0x29: stack.append(newTuple([]))  // EMPTY_TUPLE
            case 0x85: stack.append(newTuple(try popN(1)))  // TUPLE1
            case 0x86: stack.append(newTuple(try popN(2)))  // TUPLE2
            case 0x87: stack.append(newTuple(try popN(3)))  // TUPLE3
            case 0x74: stack.append(newTuple(try popMark()))  // TUPLE
            case 0x5d:  // EMPTY_LIST
                lists.append([])
                stack.append(.list(lists.count - 1))
            case 0x6c:  // LIST
                let items = try popMark()
                lists.append(items)
                stack.append(.list(lists.count - 1))
            case 0x7d:  // EMPTY_DICT
                dicts.append([])
                stack.append(.dict(dicts.count - 1))
            case 0x64:  // DICT
                let items = try popMark()
                dicts.append([])
                stack.append(.dict(dicts.count - 1))
                try setItems(items, into: dicts.count - 1)
            case 0x61:  // APPEND
                let v = try pop()
                lists[try listIndex(try top())].append(v)
            case 0x65:  // APPENDS
                let items = try popMark()
                lists[try listIndex(try top())].append(contentsOf: items)
            case 0x73:  // SETITEM
                let pair = try popN(2)
                try setItems(pair, into: try dictIndex(try top()))
            case 0x75:  // SETITEMS
                let items = try popMark()
                try setItems(items, into: try dictIndex(try top()))
            case 0x71: try put(Int(try byte()))  // BINPUT
            case 0x72: try put(try length(4))  // LONG_BINPUT
            case 0x94: try put(memo.count)  // MEMOIZE
            case 0x68: try get(Int(try byte()))  // BINGET
            case 0x6a: try get(try length(4))  // LONG_BINGET
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line()
                let name = try line()
                stack.append(.global(try allowed(module, name)))
            case 0x93:  // STACK_GLOBAL
                let pair = try popN(2)
                guard case .string(let module) = pair[0], case .string(let name) = pair[1] else {
                    throw fail("STACK_GLOBAL needs two strings")
                }
                stack.append(.global(try allowed(module, name)))
            case 0x51: stack.append(try persistent(try pop()))  // BINPERSID
            case 0x52:  // REDUCE
                let args = try pop()
                let callable = try pop()
                stack.append(try reduce(callable, args))
            case 0x81:  // NEWOBJ
                let args = try pop()
                let cls = try pop()
                guard cls == .global(.orderedDict) else { throw fail("NEWOBJ of \(describe(cls)) (only OrderedDict can be created)") }
                stack.append(try reduce(cls, args))
            case 0x62:  // BUILD: the state of an OrderedDict (`_metadata`) or a tensor (Python attributes) is not needed
                _ = try pop()
                switch try top() {
                case .dict, .tensor: break
                default: throw fail("BUILD on \(describe(try top())) (only dicts and tensors take a state)")
                }
            default:
                throw fail("unsupported pickle opcode 0x\(String(op, radix: 16)) (a checkpoint only needs data opcodes)")
            }
        }
    }

    // MARK: - reading bytes

    private func fail(_ message: String) -> PickleError { PickleError(offset: opcodeStart, message) }

    private mutating func byte() throws(PickleError) -> UInt8 {
        guard position < bytes.count else { throw fail("the pickle ends before its STOP opcode (truncated?)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func fixed(_ n: Int) throws(PickleError) -> [UInt8] {
        guard n >= 0, n <= bytes.count - position else {
            throw fail("an argument of \(n) bytes runs past the end of the pickle (\(bytes.count) bytes)")
        }
        defer { position += n }
        return Array(bytes[position..<position + n])
    }

    private mutating func unsigned(_ n: Int) throws(PickleError) -> UInt64 {
        try fixed(n).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func length(_ n: Int) throws(PickleError) -> Int {
        let v = try unsigned(n)
        guard v <= UInt64(bytes.count) else { throw fail("a length of \(v) runs past the end of the pickle (\(bytes.count) bytes)") }
        return Int(v)
    }

    private mutating func text(_ n: Int, latin1: Bool = false) throws(PickleError) -> String {
        let b = try fixed(n)
        if latin1 { return String(b.map { Character(Unicode.Scalar($0)) }) }
        guard let s = String(validating: b, as: UTF8.self) else { throw fail("a string is not valid UTF-8") }
        return s
    }

    private mutating func line() throws(PickleError) -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0a) else { throw fail("GLOBAL's name has no end of line") }
        let s = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return s
    }

    private mutating func long(_ n: Int) throws(PickleError) -> PickleValue {
        let b = try fixed(n)
        if n == 0 { return .int(0) }
        if n > 8 { return .bigInt(b) }
        var v: UInt64 = 0
        for byte in b.reversed() { v = v << 8 | UInt64(byte) }
        // Sign-extend from n bytes.
        let shift = UInt64(64 - 8 * n)
        return .int(Int(Int64(bitPattern: v << shift) >> Int64(shift)))
    }

    // MARK: - the stack

    private mutating func pop() throws(PickleError) -> PickleValue {
        if let m = marks.last, stack.count <= m { throw fail("the stack is empty above the mark") }
        guard let v = stack.popLast() else { throw fail("the stack is empty") }
        return v
    }

    private func top() throws(PickleError) -> PickleValue {
        if let m = marks.last, stack.count <= m { throw fail("the stack is empty above the mark") }
        guard let v = stack.last else { throw fail("the stack is empty") }
        return v
    }

    private mutating func popN(_ n: Int) throws(PickleError) -> [PickleValue] {
        let floor = marks.last ?? 0
        guard stack.count - floor >= n else { throw fail("needs \(n) values on the stack, has \(stack.count - floor)") }
        defer { stack.removeLast(n) }
        return Array(stack.suffix(n))
    }

    private mutating func popMark() throws(PickleError) -> [PickleValue] {
        guard let m = marks.popLast() else { throw fail("no MARK on the stack") }
        defer { stack.removeLast(stack.count - m) }
        return Array(stack[m...])
    }

    private mutating func put(_ i: Int) throws(PickleError) {
        memo[i] = try top()
    }

    private mutating func get(_ i: Int) throws(PickleError) {
        guard let v = memo[i] else { throw fail("memo entry \(i) was never stored") }
        stack.append(v)
    }

    private mutating func newTuple(_ items: [PickleValue]) -> PickleValue {
        tuples.append(items)
        return .tuple(tuples.count - 1)
    }

    private func listIndex(_ v: PickleValue) throws(PickleError) -> Int {
        guard case .list(let i) = v else { throw fail("APPEND to \(describe(v)), not a list") }
        return i
    }

    private func dictIndex(_ v: PickleValue) throws(PickleError) -> Int {
        guard case .dict(let i) = v else { throw fail("SETITEM on \(describe(v)), not a dict") }
        return i
    }

    private mutating func setItems(_ items: [PickleValue], into d: Int) throws(PickleError) {
        guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
        while dictKeys.count < dicts.count { dictKeys.append([:]) }
        for k in stride(from: 0, to: items.count, by: 2) {
            if case .string(let s) = items[k] {
                if let i = dictKeys[d][s] {
                    dicts[d][i].value = items[k + 1]
                    continue
                }
                dictKeys[d][s] = dicts[d].count
            }
            dicts[d].append((items[k], items[k + 1]))
        }
    }

    /// A short name for a value, for messages.
    func describe(_ v: PickleValue) -> String {
        switch v {
        case .none: "None"
        case .bool: "a bool"
        case .int, .bigInt: "an int"
        case .float: "a float"
        case .string: "a string"
        case .bytes: "bytes"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dict"
        case .tensor: "a tensor"
        case .storage: "a storage"
        case .global(let g): "`\(g.rawValue)`"
        }
    }

    // MARK: - the allowed callables

    private func allowed(_ module: String, _ name: String) throws(PickleError) -> PickleGlobal {
        let dotted = "\(module).\(name)"
        guard let g = PickleGlobal(rawValue: dotted) else {
            throw PickleError(offset: opcodeStart, "`\(dotted)` is not a tensor", refusedGlobal: dotted)
        }
        return g
    }

    private mutating func persistent(_ pid: PickleValue) throws(PickleError) -> PickleValue {
        guard case .tuple(let t) = pid, tuples[t].count == 5 || tuples[t].count == 6, tuples[t][0] == .string("storage"),
            case .global(let g) = tuples[t][1], let type = g.storageType,
            case .int(let count) = tuples[t][4], count >= 0
        else {
            throw fail("a persistent id that is not ('storage', torch.<Type>Storage, key, location, numel)")
        }
        let key: String
        switch tuples[t][2] {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        default: throw fail("a storage key that is not a string")
        }
        if tuples[t].count == 6 && tuples[t][5] != .none {
            throw fail("storage '\(key)' is a legacy storage view (view_metadata), which is not supported")
        }
        if let i = storageByKey[key] {
            guard storages[i].type == type else {
                throw fail("storage '\(key)' is named as \(storages[i].type.rawValue) and as \(type.rawValue)")
            }
            return .storage(i)
        }
        storages.append(PickleStorage(type: type, key: key, count: count))
        storageByKey[key] = storages.count - 1
        return .storage(storages.count - 1)
    }

    private func ints(_ v: PickleValue, _ what: String) throws(PickleError) -> [Int] {
        guard case .tuple(let t) = v else { throw fail("\(what) must be a tuple of ints") }
        var out: [Int] = []
        for item in tuples[t] {
            guard case .int(let i) = item, i >= 0 else { throw fail("\(what) must be a tuple of non-negative ints") }
            out.append(i)
        }
        return out
    }

    private mutating func reduce(_ callable: PickleValue, _ argsValue: PickleValue) throws(PickleError) -> PickleValue {
        guard case .global(let g) = callable else { throw fail("REDUCE calls \(describe(callable)), not an allowed global") }
        guard case .tuple(let a) = argsValue else { throw fail("REDUCE's arguments are \(describe(argsValue)), not a tuple") }
        let args = tuples[a]
        switch g {
        case .orderedDict:
            dicts.append([])
            let d = dicts.count - 1
            if let first = args.first {
                // OrderedDict([(key, value), ...])
                guard args.count == 1, case .list(let l) = first else { throw fail("OrderedDict takes a list of pairs") }
                for pair in lists[l] {
                    guard case .tuple(let p) = pair, tuples[p].count == 2 else { throw fail("OrderedDict takes a list of pairs") }
                    try setItems(tuples[p], into: d)
                }
            }
            return .dict(d)
        case .rebuildTensorV2, .rebuildTensor:
            guard args.count >= 4, args.count <= 7 else { throw fail("\(g.rawValue) takes 4 to 7 arguments, got \(args.count)") }
            guard case .storage(let s) = args[0] else { throw fail("\(g.rawValue)'s first argument is not a storage") }
            guard case .int(let offset) = args[1], offset >= 0 else { throw fail("a tensor's storage offset must be a non-negative int") }
            let shape = try ints(args[2], "a tensor's size")
            let strides = try ints(args[3], "a tensor's stride")
            guard shape.count == strides.count else {
                throw fail("a tensor's size has \(shape.count) dimensions but its stride \(strides.count)")
            }
            tensors.append(PickleTensor(storage: s, offset: offset, shape: shape, strides: strides))
            return .tensor(tensors.count - 1)
        case .rebuildParameter, .rebuildParameterWithState:
            guard args.count >= 3, case .tensor = args[0] else { throw fail("\(g.rawValue) needs a tensor") }
            return args[0]
        case .rebuildFromType:
            // _rebuild_from_type_v2(func, type, args, state): func(*args), the type only marks a subclass.
            guard args.count == 4, case .global(let f) = args[0], [.rebuildTensorV2, .rebuildTensor, .rebuildParameter].contains(f) else {
                throw fail("\(g.rawValue) must rebuild a tensor")
            }
            return try reduce(args[0], args[2])
        default:
            throw fail("`\(g.rawValue)` cannot be called (only OrderedDict and the tensor rebuild functions can)")
        }
    }
}
