import Foundation
import LessonKit

/// Why a site could not be written, with what to do about it.
public struct SiteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Puts a site's files into a folder without ever touching anything outside it.
///
/// The files are first written into a staging folder inside the target (`.learnerlens-staging-…`),
/// then each is renamed into place — an atomic step per file, so a reader never sees a half
/// written page — then files an earlier build listed in its manifest but this one no longer
/// makes are removed, then the staging folder. Files LearnerLens did not write are never removed.
/// A non-empty folder without a LearnerLens manifest is refused unless `force` is set.
public struct SiteWriter {
    public var directory: URL
    public var force: Bool

    public init(directory: URL, force: Bool = false) {
        self.directory = directory.standardizedFileURL
        self.force = force
    }

    /// Everything `write` would refuse that can be known before the site is built: the folder (or its
    /// parent) is missing, is a file, is not writable, or is someone else's non-empty folder.
    public func preflight() throws {
        let fm = FileManager.default
        let path = directory.path
        if let problem = PathCheck.problemWritingFolder(path) {
            throw SiteError("cannot write the site to \(path): \(problem)")
        }
        let existing = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".learnerlens-staging-") }
        if SiteManifest.read(in: directory) == nil, !existing.isEmpty, !force {
            throw SiteError(
                "\(path) is not empty and is not a LearnerLens site (no \(SiteManifest.fileName)); choose an empty or new folder, or pass --force to write into it anyway (nothing of yours is deleted)"
            )
        }
    }

    /// Writes `files` (the manifest among them) and returns the names of stale files removed.
    @discardableResult
    public func write(_ files: [SiteFile]) throws -> [String] {
        let fm = FileManager.default
        let path = directory.path
        try preflight()
        if !isDirectory(directory) {
            // Only the folder itself is created (preflight checked its parent): a missing parent is
            // more likely a typo than a wish.
            do { try fm.createDirectory(at: directory, withIntermediateDirectories: false) } catch {
                throw SiteError("cannot create \(path): \(error.localizedDescription)")
            }
        }
        let old = SiteManifest.read(in: directory)
        for file in files where !SiteManifest.isSafeName(file.name) && file.name != SiteManifest.fileName {
            throw SiteError("refusing to write '\(file.name)': site files must be plain names inside the folder")
        }
        let staging = directory.appendingPathComponent(".learnerlens-staging-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            defer { try? fm.removeItem(at: staging) }
            for file in files {
                try Data(file.contents.utf8).write(to: staging.appendingPathComponent(file.name))
            }
            // The manifest goes last, so a folder is only marked as a site once its files are in.
            let ordered = files.filter { $0.name != SiteManifest.fileName } + files.filter { $0.name == SiteManifest.fileName }
            for file in ordered {
                let target = directory.appendingPathComponent(file.name)
                if isDirectory(target) { throw SiteError("\(target.path) is a folder; remove it or choose another output folder") }
                guard rename(staging.appendingPathComponent(file.name).path, target.path) == 0 else {
                    throw SiteError("cannot move \(file.name) into \(path): \(String(cString: strerror(errno)))")
                }
            }
        } catch let error as SiteError {
            throw error
        } catch {
            throw SiteError("cannot write the site into \(path): \(error.localizedDescription)")
        }
        let written = Set(files.map(\.name))
        var removed: [String] = []
        for name in old?.files ?? [] where SiteManifest.isSafeName(name) && !written.contains(name) {
            let url = directory.appendingPathComponent(name)
            if !isDirectory(url), (try? fm.removeItem(at: url)) != nil { removed.append(name) }
        }
        return removed
    }

    func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }
}
