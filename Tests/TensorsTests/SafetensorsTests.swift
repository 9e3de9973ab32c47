import Foundation
import Tensors
import Testing

@Suite struct SafetensorsTests {
    func file(header: String, data: [UInt8] = []) -> Data {
        var d = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(Data(header.utf8))
        d.append(contentsOf: data)
        return d
    }

    @Test func roundTripKeepsValuesAndInt64Buffers() throws {
        var archive = SafetensorsArchive()
        archive.tensors["w"] = Tensor(shape: [2, 2], storage: [1, -2, 3.5, 4])
        archive.tensors["n"] = Tensor(shape: [], storage: [7])
        archive.dtypes["n"] = .i64
        archive.metadata["format"] = "pt"
        let back = try SafetensorsArchive.decode(archive.encoded())
        #expect(back.tensors == archive.tensors)
        #expect(back.dtypes["n"] == .i64)
        #expect(back.metadata == ["format": "pt"])
    }

    @Test func halfAndBFloat16AreConverted() throws {
        // 1.0 in F16 is 0x3C00; 1.0 in BF16 is 0x3F80.
        let f16 = file(header: #"{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}"#, data: [0x00, 0x3C])
        #expect(try SafetensorsArchive.decode(f16).tensors["a"]?.storage == [1])
        let bf16 = file(header: #"{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}"#, data: [0x80, 0x3F])
        #expect(try SafetensorsArchive.decode(bf16).tensors["a"]?.storage == [1])
    }

    @Test func emptyTensorsShareAnOffsetWithoutOverlapping() throws {
        // safetensors' own writer puts an empty tensor at the offset of the next one.
        let f = file(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]}}"#,
            data: [0, 0, 0x80, 0x3F])
        let archive = try SafetensorsArchive.decode(f)
        #expect(archive.tensors["e"]?.shape == [0, 3])
        #expect(archive.tensors["a"]?.storage == [1])
    }

    @Test(arguments: [
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, [UInt8](repeating: 0, count: 4), "outside"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, [UInt8](repeating: 0, count: 8), "needs 12 bytes"),
        (#"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}}"#, [0], "unsupported dtype Q4"),
        (#"not json"#, [], "not valid JSON"),
        (
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            [UInt8](repeating: 0, count: 8), "'a' appears twice"
        ),
        (
            #"{"a\u0062":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"ab":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            [UInt8](repeating: 0, count: 8), "'ab' appears twice"
        ),
        (
            #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#,
            [UInt8](repeating: 0, count: 8), "overlap"
        ),
    ])
    func corruptFilesGiveClearErrors(header: String, data: [UInt8], expected: String) {
        do {
            _ = try SafetensorsArchive.decode(file(header: header, data: data), file: "w.safetensors")
            Issue.record("expected an error mentioning \(expected)")
        } catch {
            #expect(error.file == "w.safetensors")
            #expect(error.message.contains(expected))
        }
    }

    @Test func truncatedAndLyingHeaders() {
        #expect(throws: SafetensorsError.self) { try SafetensorsArchive.decode(Data([1, 2, 3])) }
        var d = Data()
        withUnsafeBytes(of: UInt64(1_000_000).littleEndian) { d.append(contentsOf: $0) }
        d.append(Data("{}".utf8))
        #expect(throws: SafetensorsError.self) { try SafetensorsArchive.decode(d) }
    }
}
