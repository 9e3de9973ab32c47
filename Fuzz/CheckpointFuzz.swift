// libFuzzer harness: PyTorch checkpoint reader. Built by scripts/fuzz.sh checkpoint.
// Every input goes through TorchCheckpoint.decode (zip through libzip, or the legacy pickle stream)
// and through the pickle VM on its own; a thrown error is the expected outcome for bad input,
// a crash or trap is a bug.
import Foundation
import Tensors

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        _ = try TorchCheckpoint.decode(bytes, file: "fuzz.pth")
    } catch {
        // TorchCheckpointError: fine.
    }
    var unpickler = Unpickler([UInt8](bytes))
    for _ in 0..<4 {
        do { _ = try unpickler.load() } catch { break }
    }
    return 0
}
