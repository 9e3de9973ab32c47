import Foundation
import LessonKit

extension RecordedRun {
    /// A record sits beside its lesson's page: `09-fit-the-frozen-learner.run.json`.
    public static let fileSuffix = ".run.json"

    /// The records in a site folder, by file stem; unreadable ones are left out (their lessons run again).
    public static func read(in directory: URL) -> [String: RecordedRun] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [:] }
        var out: [String: RecordedRun] = [:]
        for name in names where name.hasSuffix(fileSuffix) {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path),
                let record = try? JSONDecoder().decode(RecordedRun.self, from: data)
            else { continue }
            out[String(name.dropLast(fileSuffix.count))] = record
        }
        return out
    }

    /// "x86_64, 2 cores": where a new record is measured.
    public static var thisMachine: String {
        #if arch(x86_64)
            let arch = "x86_64"
        #elseif arch(arm64)
            let arch = "arm64"
        #else
            let arch = "unknown CPU"
        #endif
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "\(arch), \(cores) core\(cores == 1 ? "" : "s")"
    }

    /// Today's date, `2026-12-01` (UTC).
    public static var today: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date())
    }
}
