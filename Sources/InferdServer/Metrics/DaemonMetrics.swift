import InferdWire
import Synchronization

/// What the daemon records as it goes, for `GET /metrics`: requests by route, model, status and
/// placement; request step latencies per model; model loads and their duration. Figures the lifecycle
/// actor already keeps (resident bytes, cold starts, evictions, pressure) are read from it at scrape
/// time instead (``MetricsScrape``), so nothing is counted twice.
///
/// Every series is bounded: route labels are route patterns, model labels are catalog names (an
/// unknown name is recorded as `""`), statuses are HTTP codes.
public final class DaemonMetrics: Sendable {
    /// Labels of one request count.
    public struct RequestKey: Hashable, Sendable {
        public var method: String
        /// The route pattern (`/v1/models/{name}/classify`), or `unmatched`.
        public var route: String
        public var model: String
        public var status: Int
        /// `local`, `remote`, or `none` for calls that run no inference.
        public var placement: String
    }

    /// The request steps with a latency histogram each.
    public enum Step: String, CaseIterable, Sendable {
        case queue, load, decode, compute, total
    }

    struct State {
        var requests: [RequestKey: UInt64] = [:]
        var steps: [String: [Step: MetricHistogram]] = [:]
        var loads: [String: MetricHistogram] = [:]
        var loadResults: [String: [String: UInt64]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one answered request.
    public func countRequest(_ key: RequestKey) {
        state.withLock { $0.requests[key, default: 0] += 1 }
    }

    /// Records the steps of one request run here (milliseconds, as ``StepTimings`` keeps them).
    /// `load` is recorded only when the request paid a load; `decode` only when it decoded an image.
    public func observe(model: String, timings: StepTimings, decoded: Bool) {
        state.withLock { state in
            if state.steps[model] == nil {
                state.steps[model] = Dictionary(uniqueKeysWithValues: Step.allCases.map {
                    ($0, MetricHistogram(bounds: MetricHistogram.requestSeconds))
                })
            }
            // In place: a copy taken out and written back would copy every histogram's buckets.
            state.steps[model]![.queue]!.observe(timings.queue / 1000)
            if timings.load > 0 { state.steps[model]![.load]!.observe(timings.load / 1000) }
            if decoded { state.steps[model]![.decode]!.observe(timings.decode / 1000) }
            state.steps[model]![.compute]!.observe(timings.compute / 1000)
            state.steps[model]![.total]!.observe(timings.total / 1000)
        }
    }

    /// Records one model load (preload, request or `inferctl load`): its duration and outcome.
    public func observeLoad(model: String, seconds: Double, succeeded: Bool) {
        state.withLock { state in
            if succeeded {
                state.loads[model, default: MetricHistogram(bounds: MetricHistogram.loadSeconds)].observe(seconds)
            }
            state.loadResults[model, default: [:]][succeeded ? "ok" : "failed", default: 0] += 1
        }
    }

    /// A consistent copy of what was recorded.
    var snapshot: State { state.withLock { $0 } }
}
