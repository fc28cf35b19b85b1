import Foundation
import Synchronization

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressLine: Sendable {
    private let label: String
    private let lastDraw = Mutex<Double>(0)

    /// `nil` when standard error is not a terminal (piped, CI): nothing is drawn.
    static func forTerminal(_ label: String) -> ProgressLine? {
        isatty(STDERR_FILENO) == 1 ? ProgressLine(label: label) : nil
    }

    private init(label: String) { self.label = label }

    /// Redraws at most ten times a second, and always at the end.
    func update(done: Int, total: Int) {
        let now = Date().timeIntervalSince1970
        let draw = lastDraw.withLock { last -> Bool in
            guard now - last >= 0.1 || done == total else { return false }
            last = now
            return true
        }
        guard draw, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
    }

    /// Ends the line.
    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
