import Foundation

/// Files in a unique temporary directory per call, removed by the test.
enum TemporaryFile {
    static func write(_ bytes: [UInt8], suffix: String = ".bson") throws -> String {
        let path = NSTemporaryDirectory() + "docket-\(UUID().uuidString)\(suffix)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }
}
