import Core
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns kernel memory-pressure (PSI) signals into ``PressureLevel`` events: the mechanism only. What
/// to evict is the lifecycle manager's business.
///
/// It arms two PSI triggers — `some` for moderate, `full` for critical — on the daemon's cgroup
/// `memory.pressure`, falling back to `/proc/pressure/memory`, and waits for them with `poll(2)` on
/// its own thread. Where the kernel refuses a trigger (no PSI, no permission, or a window an
/// unprivileged process may not use), it says why and polls the `avg10` averages instead.
public final class PressureMonitor: @unchecked Sendable {
    /// How the monitor is watching.
    public enum Mode: Sendable, Equatable, CustomStringConvertible {
        /// Kernel triggers armed on this file.
        case triggers(file: String)
        /// Polling this file's averages, because triggers were refused for `reason`.
        case polling(file: String, reason: String)
        /// No PSI file could be read.
        case unavailable(reason: String)

        public var description: String {
            switch self {
            case .triggers(let file): "PSI triggers on \(file)"
            case .polling(let file, let reason): "polling \(file) (\(reason))"
            case .unavailable(let reason): "unavailable (\(reason))"
            }
        }
    }

    public let thresholds: PressureThresholds
    /// The PSI files tried in order.
    public let candidates: [String]
    private let lock = NSLock()
    private var stopped = false
    private var descriptors: [Int32] = []

    /// - Parameter candidates: PSI files in order of preference; default the process's cgroup v2
    ///   `memory.pressure`, then `/proc/pressure/memory`.
    public init(thresholds: PressureThresholds = PressureThresholds(), candidates: [String]? = nil) {
        self.thresholds = thresholds
        if let candidates {
            self.candidates = candidates
        } else {
            var files: [String] = []
            if let dir = CgroupPaths().unifiedDirectory { files.append(dir + "/memory.pressure") }
            files.append("/proc/pressure/memory")
            self.candidates = files
        }
    }

    deinit { stop() }

    /// Starts watching. Events arrive on the stream: moderate or critical when a trigger fires (or
    /// the averages cross a threshold), `.none` after ``PressureThresholds/recoverySeconds`` of quiet.
    public func start() -> (mode: Mode, events: AsyncStream<PressureLevel>) {
        let (stream, continuation) = AsyncStream<PressureLevel>.makeStream(bufferingPolicy: .bufferingNewest(16))
        var refusals: [String] = []
        for file in candidates where FileManager.default.isReadableFile(atPath: file) {
            switch armTriggers(file) {
            case .success(let fds):
                lock.withLock { descriptors = fds }
                let thread = Thread { [self] in triggerLoop(fds, continuation) }
                thread.name = "inferd-psi"
                thread.start()
                return (.triggers(file: file), stream)
            case .failure(let refusal):
                refusals.append(refusal.reason)
            }
        }
        guard let file = candidates.first(where: { PSIReading.parse((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "") != nil }) else {
            continuation.finish()
            return (.unavailable(reason: "no readable PSI file among \(candidates.joined(separator: ", ")) (kernel without CONFIG_PSI, or psi=0)"), stream)
        }
        let thread = Thread { [self] in pollingLoop(file, continuation) }
        thread.name = "inferd-psi-poll"
        thread.start()
        return (.polling(file: file, reason: refusals.first ?? "triggers unavailable"), stream)
    }

    /// Stops watching and closes the trigger descriptors; the event stream finishes.
    public func stop() {
        let fds = lock.withLock { () -> [Int32] in
            stopped = true
            defer { descriptors = [] }
            return descriptors
        }
        for fd in fds { close(fd) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    /// Opens `file` twice and writes one trigger to each: `some` (moderate) and `full` (critical).
    private func armTriggers(_ file: String) -> Result<[Int32], TriggerRefusal> {
        var fds: [Int32] = []
        let specs = ["some \(thresholds.someStallMicroseconds) \(thresholds.windowMicroseconds)",
                     "full \(thresholds.fullStallMicroseconds) \(thresholds.windowMicroseconds)"]
        for spec in specs {
            let fd = open(file, O_RDWR | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = "cannot open \(file) for writing: \(String(cString: strerror(errno)))"
                fds.forEach { close($0) }
                return .failure(TriggerRefusal(reason))
            }
            let written = spec.withCString { write(fd, $0, strlen($0) + 1) }
            if written < 0 {
                let code = errno
                var reason = "kernel rejected trigger \"\(spec)\" on \(file): \(String(cString: strerror(code)))"
                if code == EINVAL, thresholds.windowMicroseconds % 2_000_000 != 0 {
                    reason += " (without CAP_SYS_RESOURCE the window must be a multiple of 2 s)"
                }
                close(fd)
                fds.forEach { close($0) }
                return .failure(TriggerRefusal(reason))
            }
            fds.append(fd)
        }
        return .success(fds)
    }

    private func triggerLoop(_ fds: [Int32], _ continuation: AsyncStream<PressureLevel>.Continuation) {
        var lastEvent: Date?
        var pollfds = fds.map { pollfd(fd: $0, events: Int16(POLLPRI), revents: 0) }
        while !isStopped {
            let ready = poll(&pollfds, nfds_t(pollfds.count), 500)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if ready > 0 {
                if pollfds.contains(where: { $0.revents & Int16(POLLERR | POLLNVAL) != 0 }) { break }
                let critical = pollfds[1].revents & Int16(POLLPRI) != 0
                let moderate = pollfds[0].revents & Int16(POLLPRI) != 0
                if critical || moderate {
                    continuation.yield(critical ? .critical : .moderate)
                    lastEvent = Date()
                }
            } else if let last = lastEvent, Date().timeIntervalSince(last) >= thresholds.recoverySeconds {
                continuation.yield(.none)
                lastEvent = nil
            }
        }
        continuation.finish()
    }

    private func pollingLoop(_ file: String, _ continuation: AsyncStream<PressureLevel>.Continuation) {
        var previous = PressureLevel.none
        while !isStopped {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), let reading = PSIReading.parse(text) {
                let level = reading.level(thresholds)
                if level != .none || previous != .none { continuation.yield(level) }
                previous = level
            }
            Thread.sleep(forTimeInterval: thresholds.pollIntervalSeconds)
        }
        continuation.finish()
    }
}

struct TriggerRefusal: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
