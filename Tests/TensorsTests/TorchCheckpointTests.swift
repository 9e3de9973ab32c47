import Foundation
import Tensors
import Testing

/// Checkpoints written by real `torch.save` (`scripts/make_fixtures.py --checkpoints`) against the
/// values PyTorch holds (the `.expected.safetensors` beside each).
@Suite struct TorchCheckpointTests {
    static func fixture(_ name: String) throws -> URL {
        guard let dir = Bundle.module.url(forResource: "checkpoints", withExtension: nil, subdirectory: "Fixtures") else {
            throw TensorError("checkpoint fixtures missing: run scripts/make_fixtures.py --checkpoints")
        }
        return dir.appendingPathComponent(name)
    }

    func error(_ name: String) throws -> TorchCheckpointError? {
        do {
            _ = try TorchCheckpoint.read(contentsOf: Self.fixture(name))
            return nil
        } catch let e as TorchCheckpointError {
            return e
        }
    }

    @Test(arguments: ["small_f32", "small_f16", "small_bf16", "views", "legacy", "training"])
    func loadsBitExactly(_ name: String) throws {
        let got = try TorchCheckpoint.read(contentsOf: Self.fixture("\(name).pth"))
        let want = try SafetensorsArchive.read(contentsOf: Self.fixture("\(name).expected.safetensors"))
        #expect(got.names == want.names)
        for key in want.names {
            #expect(got.tensors[key] == want.tensors[key], "\(name): \(key)")
        }
    }

    @Test func reportsTheStoredDtypes() throws {
        let f16 = try TorchCheckpoint.read(contentsOf: Self.fixture("small_f16.pth"))
        #expect(f16.dtypes["conv.weight"] == .f16)
        #expect(f16.dtypes["bn.num_batches_tracked"] == .i64)
        #expect(f16.tensors["bn.num_batches_tracked"] == Tensor(shape: [], storage: [7]))
        #expect(try TorchCheckpoint.read(contentsOf: Self.fixture("small_bf16.pth")).dtypes["fc.weight"] == .bf16)
        #expect(try TorchCheckpoint.read(contentsOf: Self.fixture("views.pth")).dtypes["double"] == .f64)
        #expect(try TorchCheckpoint.read(contentsOf: Self.fixture("legacy.pth")).metadata["format"] == "torch legacy")
    }

    @Test func everyArchitecturesFirstLayersLoad() throws {
        let got = try TorchCheckpoint.read(contentsOf: Self.fixture("first_layers.pth"))
        let want = try SafetensorsArchive.read(contentsOf: Self.fixture("first_layers.expected.safetensors"))
        #expect(got.names.count == 18)
        #expect(got.tensors == want.tensors)
        #expect(got.tensors["resnet50/conv1.weight"]?.shape == [64, 3, 7, 7])
    }

    @Test func decodesFromMemoryToo() throws {
        let data = try Data(contentsOf: Self.fixture("small_f32.pth"))
        let archive = try TorchCheckpoint.decode(data, file: "x.pth")
        #expect(archive.tensors["fc.bias"]?.shape == [2])
    }

    @Test func refusesAGlobalOutsideTheAllowList() throws {
        let e = try #require(try error("malicious.pth"))
        #expect(e.refused)
        #expect(e.description.hasPrefix("refusing to load "))
        #expect(e.description.contains("malicious.pth: `posix.system` is not a tensor"))
    }

    @Test func aPickledModuleIsToldToSaveTheStateDict() throws {
        let e = try #require(try error("module.pth"))
        #expect(e.description.contains("`torch.nn.modules.container.Sequential`"))
        #expect(e.description.contains("model.state_dict()"))
    }

    @Test func damagedZipsFailCleanly() throws {
        let truncated = try #require(try error("truncated.pth"))
        #expect(truncated.description.contains("not a readable zip archive"))
        let crc = try #require(try error("badcrc.pth"))
        #expect(crc.description.contains("CRC-32 mismatch"), "\(crc)")
        #expect(crc.description.contains("data/0"))
    }

    @Test func notACheckpointSaysSo() throws {
        #expect(throws: TorchCheckpointError.self) { try TorchCheckpoint.decode(Data("hello".utf8)) }
        var tar = Data(repeating: 0, count: 512)
        tar.replaceSubrange(257..<262, with: Data("ustar".utf8))
        #expect(TorchCheckpoint.format(of: tar) == .tar)
    }

    // Hand-written pickles: the VM on its own.
    func unpickle(_ bytes: [UInt8]) throws(PickleError) -> (PickleValue, Unpickler) {
        var u = Unpickler(bytes)
        let v = try u.load()
        return (v, u)
    }

    @Test func pickleBuildsTuplesOfNumbers() throws {
        // MARK 1 -2 300 2.5 TUPLE STOP
        let t: [UInt8] =
            [0x80, 0x02, 0x28, 0x4b, 1, 0x4a, 0xfe, 0xff, 0xff, 0xff, 0x4d, 0x2c, 0x01]
            + [0x47, 0x40, 0x04, 0, 0, 0, 0, 0, 0, 0x74, 0x2e]
        let (v, u) = try unpickle(t)
        guard case .tuple(let i) = v else {
            Issue.record("not a tuple")
            return
        }
        #expect(u.tuples[i] == [.int(1), .int(-2), .int(300), .float(2.5)])
    }

    @Test func pickleErrorsNameTheByte() throws {
        #expect(throws: PickleError(offset: 2, "the stack is empty")) { try unpickle([0x80, 0x02, 0x2e]) }
        #expect(throws: PickleError.self) { try unpickle([0x80, 0x02, 0x4b]) }  // truncated
        #expect(throws: PickleError.self) { try unpickle([0x80, 0x02, 0x68, 0x05, 0x2e]) }  // memo never stored
        let refused = #expect(throws: PickleError.self) { try unpickle([0x80, 0x02] + Array("cos\nsystem\n.".utf8)) }
        #expect(refused?.refusedGlobal == "os.system")
    }

    @Test func deepNestingDoesNotRecurse() throws {
        // 200,000 nested one-element tuples: freed without recursion (values refer by index).
        let bytes: [UInt8] = [0x80, 0x02, 0x4e] + [UInt8](repeating: 0x85, count: 200_000) + [0x2e]
        let (v, u) = try unpickle(bytes)
        #expect(v == .tuple(199_999))
        #expect(u.tuples.count == 200_000)
    }
}

/// Inputs the checkpoint fuzzer found (Fuzz/regressions/), replayed.
@Suite struct CheckpointFuzzRegressionTests {
    static let regressions = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/regressions")

    @Test func anEntryClaimingFourGigabytesIsRefusedBeforeAllocating() throws {
        // views.pth with data.pkl's declared size changed to 4,294,967,322 bytes: it was allocated (out of memory).
        let data = try Data(contentsOf: Self.regressions.appendingPathComponent("checkpoint-entry-claims-4gb.pth"))
        #expect {
            _ = try TorchCheckpoint.decode(data, file: "x.pth")
        } throws: { error in
            "\(error)".contains("the zip is damaged")
        }
    }
}
