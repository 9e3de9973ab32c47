import ArgumentParser
import Foundation
import LessonKit

/// Runs a command body; any error becomes `error: …` on standard error and exit code 1.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ValidationError {
        throw error
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// A failure the command reports as `error: …` with exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Messages for people go to standard error so standard output stays machine-readable.
enum Console {
    static func note(_ s: String) { FileHandle.standardError.write(Data("note: \(s)\n".utf8)) }
}

/// `--set key=value` for run, notebook and html: parsed and checked in one place
/// (`LessonParameters.overrides`), a bad one a usage error.
enum Settings {
    static func overrides(_ settings: [String]) throws -> [(String, String)] {
        do { return try LessonParameters.overrides(settings) } catch { throw ValidationError(error.message) }
    }
}
