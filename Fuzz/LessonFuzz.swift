// libFuzzer harness: lesson parser + checker. Built by scripts/fuzz.sh lesson.
// Thrown LessonErrors are the expected outcome for bad input; a crash or trap is a bug.
import Foundation
import LessonKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let lesson = try LessonParser.parse(bytes, file: "fuzz.md")
        _ = try LessonChecker.check(lesson)
    } catch {
        // LessonErrors: fine.
    }
    return 0
}
