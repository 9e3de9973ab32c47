import Foundation
import LessonKit

/// The files a command names on its command line, checked before any work so that the message
/// says which option and path are wrong, and why.
enum FileChecks {
    /// `--weights W: no such file`, `…: is a folder, not a file`, `…: cannot be read: permission denied`.
    static func readable(_ path: String, option: String) throws(CLIError) {
        if let problem = PathCheck.problemReading(path) { throw CLIError("\(option) \(path): \(problem)") }
    }

    /// `--out somefile/x.ipynb: somefile is a file, not a folder`, `…: the folder ro is not writable: permission denied`.
    static func writable(_ path: String, option: String) throws(CLIError) {
        if let problem = PathCheck.problemWritingFile(path) { throw CLIError("\(option) \(path): \(problem)") }
    }

    /// The operating system's reason inside a Foundation error ("no space left on device"), not
    /// Foundation's generic "The operation could not be completed."
    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return PathCheck.reason(Int32(underlying.code))
        }
        return ns.localizedDescription
    }
}
