import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a path cannot be read or written, found before any work is done and worded for people.
///
/// Foundation's own errors say "The file doesn't exist." for a path whose folder is a file, and
/// "You don't have permission." without saying for what; these checks name the part of the path
/// that is wrong. Each returns nil when the path is fine. (Root passes every permission check,
/// as it does for the kernel.)
public enum PathCheck {
    /// What `problemReading` says of a path that does not exist.
    public static let noSuchFile = "no such file"
    /// What `problemReading` says of a folder.
    public static let isAFolder = "is a folder, not a file"

    /// A file about to be read: it exists, is not a folder, and is readable.
    public static func problemReading(_ path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        var info = stat()
        guard stat(path, &info) == 0 else { return missing(path, errno: errno, noun: "file") }
        if (info.st_mode & S_IFMT) == S_IFDIR { return isAFolder }
        if access(path, R_OK) != 0 { return "cannot be read: \(reason(errno))" }
        return nil
    }

    /// A file about to be created or replaced: it is not a folder, and its folder exists and is writable.
    public static func problemWritingFile(_ path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { return "is a folder; give a file name" }
        return problemWritingInto(parent(of: path))
    }

    /// A folder about to be written into: either it exists, is a folder and is writable, or it can be
    /// created because its parent is all of those.
    public static func problemWritingFolder(_ path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT, let problem = problemWritingInto(parent(of: path)) { return problem }
            return errno == ENOENT ? nil : missing(path, errno: errno, noun: "folder")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return "is a file, not a folder" }
        if access(path, W_OK | X_OK) != 0 { return "the folder is not writable: \(reason(errno))" }
        return nil
    }

    /// The folder `dir` (which will receive a new file) exists, is a folder and is writable.
    static func problemWritingInto(_ dir: String) -> String? {
        var info = stat()
        guard stat(dir, &info) == 0 else {
            return errno == ENOENT || errno == ENOTDIR
                ? missing(dir, errno: errno, noun: "folder") : "cannot reach the folder \(dir): \(reason(errno))"
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return "\(dir) is a file, not a folder" }
        if access(dir, W_OK | X_OK) != 0 { return "the folder \(dir) is not writable: \(reason(errno))" }
        return nil
    }

    /// "no such file", or which part of the path is a file where a folder should be.
    static func missing(_ path: String, errno code: Int32, noun: String) -> String {
        guard code == ENOENT || code == ENOTDIR else { return "cannot reach it: \(reason(code))" }
        // Walk up to the nearest part that exists: a file there is the real mistake.
        var ancestor = parent(of: path)
        while ancestor != path, !ancestor.isEmpty {
            var info = stat()
            if stat(ancestor, &info) == 0 {
                if (info.st_mode & S_IFMT) != S_IFDIR { return "\(ancestor) is a file, not a folder" }
                break
            }
            let next = parent(of: ancestor)
            if next == ancestor { break }
            ancestor = next
        }
        return noun == "folder" ? "the folder \(path) does not exist" : noSuchFile
    }

    /// The folder holding `path` (`.` for a bare name).
    static func parent(of path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// `strerror`, lower-cased as it reads inside a sentence ("permission denied").
    public static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
