import ArgumentParser
import Foundation
import LessonKit
import Tensors

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

/// A tensor given on the command line as a safetensors file and a key (`forward`, `backward`).
enum StoredTensor {
    static func read(_ path: String, key: String) throws -> Tensor {
        let archive = try SafetensorsArchive.read(contentsOf: URL(fileURLWithPath: path))
        guard let t = archive.tensors[key] else {
            throw CLIError("\(path): no tensor named '\(key)' (found: \(archive.names.joined(separator: ", ")))")
        }
        return t
    }
}
