/// Offloading as `GET /v1/status` reports it.
public struct OffloadStatus: Codable, Sendable, Equatable {
    /// The default mode: `never`, `always`, `when-cold` or `auto`.
    public var mode: String
    /// Requests that ran here, on a remote, and here after a remote failed.
    public var local: Int
    public var remote: Int
    public var fallback: Int
    public var remotes: [Remote]

    /// One configured remote.
    public struct Remote: Codable, Sendable, Equatable {
        public var url: String
        /// Models it serves; empty: any.
        public var models: [String]
        /// `auto`, `inferd` or `oip`.
        public var protocolName: String
        /// Requests sent and failed.
        public var requests: Int
        public var failures: Int
        public var lastError: String?
        /// Seconds left before it is tried again after failures; nil when available.
        public var backingOffSeconds: Double?
        /// Estimated network round trip (the fit's intercept at 0 bytes), ms.
        public var roundTripMs: Double?
        /// Estimated upload bandwidth, MB/s, once requests of different sizes were seen.
        public var megabytesPerSecond: Double?
        /// Where the remote's own time behind these estimates came from: `reported` (its answers say
        /// it), `server-timing` (its HTTP `Server-Timing` header) or `connect-estimate` (the wait minus
        /// the TCP handshake's round trip); nil before any answer.
        public var remoteTimeSource: RemoteTimeSource?

        public init(url: String, models: [String], protocolName: String, requests: Int, failures: Int, lastError: String?,
                    backingOffSeconds: Double?, roundTripMs: Double?, megabytesPerSecond: Double?,
                    remoteTimeSource: RemoteTimeSource? = nil) {
            self.url = url
            self.models = models
            self.protocolName = protocolName
            self.requests = requests
            self.failures = failures
            self.lastError = lastError
            self.backingOffSeconds = backingOffSeconds
            self.roundTripMs = roundTripMs
            self.megabytesPerSecond = megabytesPerSecond
            self.remoteTimeSource = remoteTimeSource
        }

        enum CodingKeys: String, CodingKey {
            case url, models, requests, failures
            case protocolName = "protocol"
            case lastError = "last_error"
            case backingOffSeconds = "backing_off_s"
            case roundTripMs = "round_trip_ms"
            case megabytesPerSecond = "megabytes_per_s"
            case remoteTimeSource = "remote_time_source"
        }

        /// Every key, `null` where a value is nil (synthesized encoding would drop it).
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(url, forKey: .url)
            try c.encode(models, forKey: .models)
            try c.encode(protocolName, forKey: .protocolName)
            try c.encode(requests, forKey: .requests)
            try c.encode(failures, forKey: .failures)
            try c.encode(lastError, forKey: .lastError)
            try c.encode(backingOffSeconds, forKey: .backingOffSeconds)
            try c.encode(roundTripMs, forKey: .roundTripMs)
            try c.encode(megabytesPerSecond, forKey: .megabytesPerSecond)
            try c.encode(remoteTimeSource, forKey: .remoteTimeSource)
        }
    }

    public init(mode: String, local: Int, remote: Int, fallback: Int, remotes: [Remote]) {
        self.mode = mode
        self.local = local
        self.remote = remote
        self.fallback = fallback
        self.remotes = remotes
    }
}
