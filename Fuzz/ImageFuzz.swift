// libFuzzer harness: the JPEG and PNG readers (ImageFile.decode → libjpeg-turbo / libpng). Built by
// scripts/fuzz.sh jpeg|png (the same harness, seeded with JPEGs or PNGs).
// A thrown DataError is the expected outcome for bad input; a crash, trap or leak is a bug.
import Fastai

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        // A smaller pixel limit than the default keeps each run's memory well under libFuzzer's rss limit.
        let image = try ImageFile.decode(bytes, name: "fuzz", maxPixels: 4_000_000)
        precondition(image.pixels.count == image.width * image.height * 3)
    } catch {
        // DataError: fine.
    }
    return 0
}
