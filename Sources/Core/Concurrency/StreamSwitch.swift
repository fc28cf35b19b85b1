/// When a model compiled for latency (one stream using every core) should also serve from a
/// throughput companion (the same model compiled with OpenVINO's throughput hint: several streams,
/// fewer threads each), which of the two a request runs on, and when the companion is let go.
///
/// One stream with every core is the fastest way to run one request at a time; when requests overlap,
/// several streams keep the cores busier (on a 2-core Zen 3 host the engine gives 145 FPS with the
/// latency hint and 166 with the throughput hint: docs/RESULTS.md). OpenVINO fixes a compiled model's
/// streams when it compiles, so serving both ways needs two compiled models: the companion is compiled
/// when overlapping requests keep coming, serves while they do, and is released after a quiet spell.
///
/// Pure: the caller passes the time and what is in flight, so tests drive it deterministically.
/// The mechanism (compiling, routing, charging the memory) lives with the model and the lifecycle.
public struct StreamSwitch: Sendable {
    /// The thresholds.
    public struct Settings: Sendable, Equatable {
        /// Overlapping request starts (a request starting while another runs or waits) within
        /// ``window`` seconds that ask for the companion.
        public var overlapsToBuild: Int
        public var window: Double
        /// Seconds without an overlapping start after which requests go back to the latency model.
        public var quietToReturn: Double
        /// Seconds the companion stays compiled after its last request before it is released.
        public var keepSeconds: Double
        /// Seconds before another companion is asked for after one was refused (no room, pressure) or failed.
        public var retrySeconds: Double

        public init(overlapsToBuild: Int = 8, window: Double = 1, quietToReturn: Double = 1,
                    keepSeconds: Double = 30, retrySeconds: Double = 30) {
            self.overlapsToBuild = max(1, overlapsToBuild)
            self.window = window
            self.quietToReturn = quietToReturn
            self.keepSeconds = keepSeconds
            self.retrySeconds = retrySeconds
        }
    }

    /// Which compiled model a request runs on.
    public enum Route: String, Sendable {
        case latency, throughput
    }

    /// The companion's state.
    public enum Companion: String, Sendable {
        case absent, building, ready
    }

    /// What ``start(now:othersInFlight:)`` decided.
    public struct Decision: Sendable, Equatable {
        public var route: Route
        /// True once per companion: the caller should have it built (and report back with
        /// ``built(now:)`` or ``refused(now:)``).
        public var build: Bool

        public init(route: Route, build: Bool) {
            self.route = route
            self.build = build
        }
    }

    public let settings: Settings
    public private(set) var companion = Companion.absent
    /// Start times of recent overlapping requests (at most ``Settings/overlapsToBuild``).
    private var overlaps: [Double] = []
    private var lastOverlap = -Double.infinity
    private var lastThroughput = -Double.infinity
    private var notBefore = -Double.infinity

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// A request starts at `now` while `othersInFlight` other requests run or wait on the model.
    public mutating func start(now: Double, othersInFlight: Int) -> Decision {
        if othersInFlight > 0 {
            lastOverlap = now
            overlaps.append(now)
            if overlaps.count > settings.overlapsToBuild { overlaps.removeFirst(overlaps.count - settings.overlapsToBuild) }
        }
        var build = false
        if companion == .absent, now >= notBefore, overlaps.count >= settings.overlapsToBuild,
           let first = overlaps.first, now - first <= settings.window {
            companion = .building
            build = true
        }
        let route: Route = companion == .ready && now - lastOverlap < settings.quietToReturn ? .throughput : .latency
        if route == .throughput { lastThroughput = now }
        return Decision(route: route, build: build)
    }

    /// The companion was built at `now` and serves from the next request on.
    public mutating func built(now: Double) {
        guard companion == .building else { return }
        companion = .ready
        lastThroughput = now
    }

    /// The companion could not be had (no room under the budget, memory pressure, a failed compile):
    /// none is asked for again for ``Settings/retrySeconds``.
    public mutating func refused(now: Double) {
        companion = .absent
        notBefore = now + settings.retrySeconds
        overlaps.removeAll()
    }

    /// The companion was released (idle, or its memory was needed): a new one needs a fresh run of overlaps.
    public mutating func released() {
        companion = .absent
        overlaps.removeAll()
    }

    /// True when the companion is ready and no request has run on it for ``Settings/keepSeconds``.
    public func isIdle(now: Double) -> Bool {
        companion == .ready && now - lastThroughput >= settings.keepSeconds
    }
}
