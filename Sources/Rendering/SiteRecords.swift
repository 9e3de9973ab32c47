import Foundation
import LessonKit

extension RecordedRun {
    /// A record sits beside its lesson's page: `09-fit-the-frozen-learner.run.json`.
    public static let fileSuffix = ".run.json"

    /// The records in a site folder, by file stem, and why each unreadable one could not be read
    /// (an older layout, a damaged file): those lessons run again, and `html` says why.
    public static func read(in directory: URL) -> (records: [String: RecordedRun], unreadable: [String: String]) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return ([:], [:]) }
        var records: [String: RecordedRun] = [:]
        var unreadable: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(fileSuffix) {
            let stem = String(name.dropLast(fileSuffix.count))
            do {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                let format = try JSONDecoder().decode(FormatProbe.self, from: data).format
                guard format == currentFormat else {
                    unreadable[stem] = "\(name) is in record format \(format), this LearnerLens writes \(currentFormat)"
                    continue
                }
                records[stem] = try JSONDecoder().decode(RecordedRun.self, from: data)
            } catch {
                unreadable[stem] = "\(name) could not be read (\(Self.describe(error)))"
            }
        }
        return (records, unreadable)
    }

    /// Only the layout version, read before the rest (whose layout it names).
    private struct FormatProbe: Decodable { var format: Int }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no `\(key.stringValue)`: written by another LearnerLens?"
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return context.debugDescription
        default: return error.localizedDescription
        }
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
