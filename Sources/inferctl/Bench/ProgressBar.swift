import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, redrawn in place — only when standard error is a
/// terminal, so piped or captured output stays clean.
final class ProgressBar {
    private let total: Int
    private var done = 0
    private let enabled: Bool
    private var lastWidth = 0

    /// A bar for `total` steps; silent unless standard error is a terminal (or `enabled` says otherwise).
    init(total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = max(1, total)
        self.enabled = enabled
    }

    /// Marks `steps` more as done and redraws with `label` (what runs now).
    func advance(_ steps: Int = 1, label: String) {
        done = min(total, done + steps)
        draw(label)
    }

    /// Redraws with a new label without advancing.
    func show(_ label: String) { draw(label) }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: lastWidth) + "\r").utf8))
    }

    /// The bar's text for `done` of `total`: `[#####-----]  12/40  label`.
    static func line(done: Int, total: Int, label: String, width: Int = 30) -> String {
        let filled = total > 0 ? min(width, done * width / total) : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] \(done)/\(total)  \(label)"
    }

    private func draw(_ label: String) {
        guard enabled else { return }
        var text = Self.line(done: done, total: total, label: label)
        if text.count > 110 { text = String(text.prefix(110)) }
        let padding = String(repeating: " ", count: max(0, lastWidth - text.count))
        lastWidth = text.count
        FileHandle.standardError.write(Data(("\r" + text + padding).utf8))
    }
}
