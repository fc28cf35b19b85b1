import Core
import Dispatch
import Foundation
import InferdWire
import Logging
import Synchronization

/// Measures what a model adds to a freshly started inferd, in a separate process.
///
/// The daemon's own figure for a load (its anonymous memory before and after) depends on what the
/// process allocated and freed before: memory an eviction freed is reused by the next load, one-time
/// allocations land on whichever model comes first. For one model it drifted by up to 25 % between
/// daemons, so two daemons — or a daemon and the simulator given its charges — disagreed on what fits
/// the budget. The measuring process (``FootprintMeasurement``, the daemon's own binary) starts the
/// engine as the daemon does (device plugin loaded and warmed up before any model), loads the model
/// once with the daemon's resolved options and the same compiled-model cache, and reports the growth.
///
/// The measuring process needs about as much memory again as the model (more while it compiles), in
/// the daemon's cgroup, where an OOM kill would stop the whole unit (`OOMPolicy=stop`): it starts only
/// when the memory headroom is at least twice the model's in-process figure, else the model is tried
/// again at its next load. One measurement at a time, at the lowest CPU priority, each bounded by
/// ``timeout``; a model is measured once per cache key (model file, manifest, options, OpenVINO
/// version): the result is kept beside the compiled blob when there is a cache directory, in memory
/// otherwise.
public final class FootprintMeter: Sendable {
    /// Called with the measured bundle and its footprint when a measurement finishes.
    public typealias Listener = @Sendable (_ bundle: ModelBundle, _ bytes: Int64) -> Void

    /// The measuring process's executable: this one (the running binary, even if replaced on disk).
    let executable: String
    /// How long a measurement may take before its process is killed.
    public let timeout: Duration
    /// Memory that can still be taken now (``MemoryHeadroom``); nil: unknown (measure anyway).
    private let headroom: @Sendable () -> Int64?
    private let logger: Logger
    private let queue = DispatchQueue(label: "inferd.footprint", qos: .background)
    private let state = Mutex(State())

    private struct State {
        /// Footprints measured in this process, by cache key (the record when there is no cache).
        var measured: [String: Int64] = [:]
        /// Keys queued or being measured.
        var pending: Set<String> = []
        var listener: Listener?
        /// The measuring process running now, if any.
        var running: Int32?
        /// Set by ``stop()``: nothing more is measured.
        var stopped = false
    }

    public init(executable: String = "/proc/self/exe", timeout: Duration = .seconds(600),
                headroom: @escaping @Sendable () -> Int64? = { MemoryHeadroom.bytes() },
                logger: Logger = Logger(label: "inferd.footprint")) {
        self.executable = executable
        self.timeout = timeout
        self.headroom = headroom
        self.logger = logger
    }

    /// Tells `listener` each footprint measured from now on.
    public func onMeasured(_ listener: @escaping Listener) {
        state.withLock { $0.listener = listener }
    }

    /// Kills a measurement in progress and measures nothing more (the daemon is stopping).
    public func stop() {
        let running = state.withLock { state in
            state.stopped = true
            return state.running
        }
        if let running { kill(running, SIGKILL) }
    }

    /// True when no measurement is queued or running.
    var isIdle: Bool { state.withLock { $0.pending.isEmpty } }

    /// The footprint known for `key`: measured by this process, else recorded in `store`.
    func known(key: String, model: String, store: CompiledModelStore?) -> Int64? {
        if let bytes = state.withLock({ $0.measured[key] }) { return bytes }
        return store?.recordedFootprint(for: key, model: model)?.bytes
    }

    /// Queues a measurement of `bundle` under `options` (a resolved precision), unless one for `key` is
    /// queued or running; `expectedBytes` is what the daemon's own load measured (for the headroom
    /// check). Returns at once; the ``onMeasured(_:)`` listener hears when it succeeds.
    func measure(_ bundle: ModelBundle, options: EngineOptions, key: String, store: CompiledModelStore?, expectedBytes: Int64) {
        let queued = state.withLock { state in !state.stopped && state.pending.insert(key).inserted }
        guard queued else { return }
        queue.async { [self] in
            defer { _ = state.withLock { $0.pending.remove(key) } }
            if let room = headroom(), room < 2 * expectedBytes {
                logger.info("not measuring the footprint of \(bundle.name) now: it needs about \(formatBytes(2 * expectedBytes)), \(formatBytes(room)) is free; tried again at its next load", metadata: [
                    "event": "footprint-deferred", "model": "\(bundle.name)"])
                return
            }
            let watch = Stopwatch()
            do {
                let result = try run(FootprintMeasurement.Spec(bundleDirectory: bundle.directory, options: options))
                state.withLock { $0.measured[key] = result.bytes }
                store?.record(FootprintRecord(bytes: result.bytes, loadMilliseconds: result.loadMilliseconds,
                                              openVINOVersion: Engine.version), for: key, model: bundle.name)
                logger.info("measured the footprint of \(bundle.name) in a separate process: \(result.bytes) B", metadata: [
                    "event": "footprint-measured", "model": "\(bundle.name)", "bytes": "\(result.bytes)",
                    "duration_ms": "\(Int(watch.elapsedMilliseconds))"])
                state.withLock { $0.listener }?(bundle, result.bytes)
            } catch {
                logger.warning("could not measure the footprint of \(bundle.name); its in-process samples stay charged: \(error)", metadata: [
                    "event": "footprint-failed", "model": "\(bundle.name)"])
            }
        }
    }

    /// Runs the measuring process for `spec` and reads its answer.
    private func run(_ spec: FootprintMeasurement.Spec) throws(FootprintError) -> FootprintMeasurement.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        // The spec travels as an argument: writing it to a pipe the child may never read could raise SIGPIPE.
        let request = (try? JSONEncoder().encode(spec)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        process.arguments = [FootprintMeasurement.flag, request]
        var environment = ProcessInfo.processInfo.environment
        for key in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            environment.removeValue(forKey: key)
        }
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        do {
            let stopped = try state.withLock { state throws -> Bool in
                guard !state.stopped else { return true }
                try process.run()
                state.running = process.processIdentifier
                return false
            }
            if stopped { throw FootprintError("the daemon is stopping") }
        } catch let error as FootprintError {
            throw error
        } catch {
            throw FootprintError("cannot start \(executable): \(error)")
        }
        defer { state.withLock { $0.running = nil } }
        // Both pipes are read on this thread until the process closes them, and the process is killed
        // at the deadline from here too: nothing depends on a free Dispatch worker (a busy process
        // can have none for tens of seconds).
        let (answer, errorOutput) = Self.drain(output: output.fileHandleForReading.fileDescriptor,
                                               errors: errors.fileHandleForReading.fileDescriptor,
                                               pid: process.processIdentifier, deadline: .now + timeout)
        process.waitUntilExit()
        let stderr = String(decoding: errorOutput.suffix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how = process.terminationReason == .uncaughtSignal
                ? "was killed by signal \(process.terminationStatus)\(process.terminationStatus == SIGKILL ? " (over \(timeout))" : "")"
                : "exited with status \(process.terminationStatus)"
            throw FootprintError("the measuring process \(how): \(stderr.isEmpty ? "no message" : stderr)")
        }
        guard let result = try? JSONDecoder().decode(FootprintMeasurement.Result.self, from: answer), result.bytes > 0 else {
            throw FootprintError("the measuring process answered \(String(decoding: answer.prefix(200), as: UTF8.self))")
        }
        return result
    }
}

extension FootprintMeter {
    /// Reads `output` and `errors` (the measuring process's pipes) to their end, each bounded to its
    /// last 64 KiB, and kills `pid` once `deadline` passes.
    static func drain(output: Int32, errors: Int32, pid: Int32, deadline: ContinuousClock.Instant) -> (Data, Data) {
        var collected = [Data(), Data()]
        var open = [true, true]
        var killed = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while open.contains(true) {
            let left = deadline - .now
            if left <= .zero, !killed {
                kill(pid, SIGKILL)
                killed = true
            }
            let fds = [output, errors]
            var polled = fds.indices.filter { open[$0] }.map { pollfd(fd: fds[$0], events: Int16(POLLIN), revents: 0) }
            let wait = killed ? 1000 : Int32(min(1000, max(1, left / .milliseconds(1))))
            guard poll(&polled, nfds_t(polled.count), wait) >= 0 || errno == EINTR else { break }
            for entry in polled where entry.revents != 0 {
                let index = fds.firstIndex(of: entry.fd)!
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[index].append(contentsOf: buffer[0..<count])
                    if collected[index].count > 65536 { collected[index] = collected[index].suffix(65536) }
                } else if count == 0 || errno != EINTR {
                    open[index] = false
                }
            }
        }
        return (collected[0], collected[1])
    }
}

/// Why a footprint could not be measured.
struct FootprintError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
