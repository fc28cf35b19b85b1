import Foundation

/// Numbers the kernel publishes as text: a cgroup file holding one integer (`memory.max`), or a `kB`
/// line of `/proc/meminfo` or `/proc/self/status`.
enum KernelFile {
    /// The integer a file holds alone (`max` and unreadable files: nil).
    static func number(_ path: String) -> Int64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The `field` line (`"MemTotal:"`) of a `kB` listing, in bytes.
    static func kilobytes(_ field: String, in path: String) -> Int64? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
