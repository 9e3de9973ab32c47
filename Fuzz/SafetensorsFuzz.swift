// libFuzzer harness: safetensors reader. Built by scripts/fuzz.sh safetensors.
// Thrown SafetensorsError is the expected outcome for bad input; a crash or trap is a bug.
import Foundation
import Tensors

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        _ = try SafetensorsArchive.decode(bytes, file: "fuzz.safetensors")
    } catch {
        // SafetensorsError: fine.
    }
    return 0
}
