import Core
import InferdWire
import NIOCore
import NIOPosix

/// The daemon's bounded workers for blocking CPU work — image decoding, cropping, tensor preparation
/// and inference: a fixed number of threads (by default one per core, NIO's `NIOThreadPool`) behind
/// an ``AdmissionGate``, so at most ``threads`` jobs run and at most `queueLimit` wait; a job that
/// cannot start before its deadline, or finds the queue full, is refused with ``AdmissionError``
/// (the API answers 503 with `Retry-After`). The thread count never depends on the load.
///
/// Two lanes keep one kind of work from starving the other. ``Lane/local`` is for requests planned
/// here. ``Lane/offload`` is for work on behalf of requests planned for a remote — decoding for an
/// OIP remote, and running here after a remote failed or timed out — and may hold at most half the
/// threads (at least one): when a remote hangs and hundreds of offloaded requests fall back at once,
/// requests planned here still find a thread.
public final class ComputePool: Sendable {
    /// Which work a job is; see ``ComputePool``.
    public enum Lane: String, Sendable, CaseIterable {
        /// Requests planned here.
        case local
        /// Work for requests planned for a remote (their decoding, their fallback here).
        case offload
    }

    /// Worker threads.
    public let threads: Int
    /// Named in status (`compute`, `loader`) and messages.
    public let name: String
    private let pool: NIOThreadPool
    private let gate: AdmissionGate
    private let offloadGate: AdmissionGate

    /// Starts `threads` workers named after NIO's pool (`TP-#n`).
    ///
    /// - Parameters:
    ///   - name: for messages ("compute").
    ///   - threads: workers; default one per core.
    ///   - queueLimit: jobs that may wait for a worker in each lane; more are refused at once.
    public init(name: String, threads: Int = System.coreCount, queueLimit: Int) {
        self.threads = max(1, threads)
        self.name = name
        pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
        gate = AdmissionGate(name: "the \(name) pool (\(self.threads) threads)", width: self.threads, queueLimit: queueLimit)
        offloadGate = AdmissionGate(name: "the \(name) pool's offload lane", width: max(1, self.threads / 2), queueLimit: queueLimit)
    }

    /// Runs `body` on a worker once one is free (in `lane`'s turn) and returns its result.
    ///
    /// - Parameter deadline: the job must have a worker by then; nil waits as long as the queue allows.
    /// - Throws: ``AdmissionError`` when the job was refused (queue full, deadline passed, cancelled),
    ///   else what `body` throws.
    public func run<T: Sendable>(_ lane: Lane = .local, deadline: ContinuousClock.Instant?,
                                 _ body: @escaping @Sendable () throws -> T) async throws -> T {
        switch lane {
        case .local:
            return try await gate.withPermit(deadline: deadline) { try await pool.runIfActive(body) }
        case .offload:
            return try await offloadGate.withPermit(deadline: deadline) {
                try await gate.withPermit(deadline: deadline) { try await pool.runIfActive(body) }
            }
        }
    }

    /// `lane` as a ``BlockingExecutor``.
    public func executor(_ lane: Lane) -> any BlockingExecutor { LaneExecutor(pool: self, lane: lane) }

    /// Running and waiting jobs, and how many were refused, in all lanes together.
    public var snapshot: AdmissionGate.Snapshot { gate.snapshot }

    /// The pool for `/v1/status`, and its offload lane when that lane was used (a lane's jobs wait
    /// in the lane first, then count in the pool as well).
    public var status: [WorkerPoolStatus] {
        let lane = offloadGate.snapshot
        var pools = [Self.status(name, gate, gate.snapshot)]
        if lane.admitted + lane.waiting + lane.rejected + lane.expired > 0 { pools.append(Self.status("\(name)-offload", offloadGate, lane)) }
        return pools
    }

    private static func status(_ name: String, _ gate: AdmissionGate, _ counts: AdmissionGate.Snapshot) -> WorkerPoolStatus {
        WorkerPoolStatus(name: name, threads: gate.width, running: counts.holders, queued: counts.waiting,
                                queueLimit: gate.queueLimit, admitted: counts.admitted,
                                refusedQueueFull: counts.rejected, refusedDeadline: counts.expired)
    }

    /// Stops the workers after the jobs already given to them.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    private struct LaneExecutor: BlockingExecutor {
        let pool: ComputePool
        let lane: Lane

        func run<T: Sendable>(deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () throws -> T) async throws -> T {
            try await pool.run(lane, deadline: deadline, body)
        }
    }
}
