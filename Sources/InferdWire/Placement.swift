/// Where a classification ran and why: on this host, or offloaded to a remote Open Inference
/// Protocol server (another inferd, Triton, KServe, OpenVINO Model Server).
///
/// Part of every ``ClassifyResponse`` from a daemon with offloading configured:
///
/// ```json
/// "placement": {"where": "remote", "mode": "auto", "remote": "http://10.0.0.2:8080",
///               "reason": "predicted 41 ms remote < 920 ms local (cold: load 880 + compute 40)",
///               "fallback": false,
///               "predicted_ms": {"local": 920.0, "remote": 41.0},
///               "network": {"connect": 0.2, "upload": 3.1, "server": 35.0, "download": 0.4}}
/// ```
public struct Placement: Codable, Sendable, Equatable {
    /// The side that produced the answer.
    public enum Side: String, Codable, Sendable, Equatable {
        case local, remote
    }

    /// The side that produced the answer (`where`).
    public var side: Side
    /// The offload mode that decided: `never`, `always`, `when-cold` or `auto`.
    public var mode: String
    /// The remote that answered, or that was tried before falling back.
    public var remote: String?
    /// Why this side, in words (figures included for `auto`).
    public var reason: String
    /// True when the remote was chosen but failed, and the request then ran here.
    public var fallback: Bool
    /// The remote's failure, when ``fallback``.
    public var remoteError: String?
    /// The latency each side was predicted to take, when the decision compared them.
    public var predicted: Prediction?
    /// How the remote exchange's time split up, when the remote was called.
    public var network: RemoteTimings?
    /// The API the remote answered on, when it ran there: `inferd` (its classify route; the answer's
    /// steps are the remote's) or `oip` (a tensor prepared here; the remote's steps are unknown).
    public var wireProtocol: String?

    /// Predicted latency of each side, ms.
    public struct Prediction: Codable, Sendable, Equatable {
        public var local: Double
        public var remote: Double

        public init(local: Double, remote: Double) {
            self.local = local
            self.remote = remote
        }
    }

    public init(side: Side, mode: String, remote: String? = nil, reason: String, fallback: Bool = false,
                remoteError: String? = nil, predicted: Prediction? = nil, network: RemoteTimings? = nil,
                wireProtocol: String? = nil) {
        self.side = side
        self.mode = mode
        self.remote = remote
        self.reason = reason
        self.fallback = fallback
        self.remoteError = remoteError
        self.predicted = predicted
        self.network = network
        self.wireProtocol = wireProtocol
    }

    enum CodingKeys: String, CodingKey {
        case mode, remote, reason, fallback, network
        case side = "where"
        case wireProtocol = "protocol"
        case remoteError = "remote_error"
        case predicted = "predicted_ms"
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(side, forKey: .side)
        try c.encode(mode, forKey: .mode)
        try c.encode(remote, forKey: .remote)
        try c.encode(reason, forKey: .reason)
        try c.encode(fallback, forKey: .fallback)
        try c.encode(remoteError, forKey: .remoteError)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(network, forKey: .network)
        try c.encode(wireProtocol, forKey: .wireProtocol)
    }
}

/// How one exchange with a remote server spent its time, ms, seen from the caller: the phases follow
/// each other, so `connect + upload + server + download` is the exchange's wall time (up to rounding).
public struct RemoteTimings: Codable, Sendable, Equatable {
    /// Opening the connection (TCP handshake).
    public var connect: Double
    /// Writing the request (head and body) into the socket; for a body larger than the socket buffers
    /// this includes waiting for the network to carry it.
    public var upload: Double
    /// From the last request byte written to the first answer byte: the remote's work plus one
    /// network round trip.
    public var server: Double
    /// From the first to the last answer byte.
    public var download: Double
    /// What the remote itself reported spending, when it says (inferd's `timings_ms.total`, an OIP
    /// `total_ms` parameter, an HTTP `Server-Timing` header); the rest of ``server`` is network
    /// latency and queueing.
    public var remoteReported: Double?
    /// Where ``remoteReported`` came from; nil when the remote reported nothing.
    public var remoteSource: RemoteTimeSource?
    /// When the remote reported nothing: its time estimated as ``server`` minus one network round trip
    /// (the TCP handshake's time, ``connect``, or a round trip remembered from earlier exchanges).
    public var remoteEstimated: Double?
    /// Request bytes sent and answer bytes received.
    public var bytesSent: Int
    public var bytesReceived: Int

    public init(connect: Double, upload: Double, server: Double, download: Double, remoteReported: Double? = nil,
                remoteSource: RemoteTimeSource? = nil, remoteEstimated: Double? = nil, bytesSent: Int, bytesReceived: Int) {
        self.connect = connect
        self.upload = upload
        self.server = server
        self.download = download
        self.remoteReported = remoteReported
        self.remoteSource = remoteReported == nil ? nil : remoteSource ?? .reported
        self.remoteEstimated = remoteEstimated
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// The exchange's wall time.
    public var total: Double { connect + upload + server + download }

    /// The remote's own time and where the figure came from: what it reported, else the estimate;
    /// nil when there is neither.
    public var remoteTime: (milliseconds: Double, source: RemoteTimeSource)? {
        if let remoteReported { return (remoteReported, remoteSource ?? .reported) }
        if let remoteEstimated { return (remoteEstimated, .connectEstimate) }
        return nil
    }

    /// The same exchange with the remote's time estimated from `roundTrip` (ms) when it reported none:
    /// ``server`` (last byte sent to first byte received) minus one round trip, never negative.
    public func estimatingRemote(roundTrip: Double?) -> RemoteTimings {
        guard remoteReported == nil, let roundTrip else { return self }
        var timings = self
        timings.remoteEstimated = max(0, server - roundTrip)
        return timings
    }

    enum CodingKeys: String, CodingKey {
        case connect, upload, server, download
        case remoteReported = "remote_reported"
        case remoteSource = "remote_source"
        case remoteEstimated = "remote_estimated"
        case bytesSent = "bytes_sent"
        case bytesReceived = "bytes_received"
    }

    /// Every key, `null` where a value is nil (synthesized encoding would drop it).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(connect, forKey: .connect)
        try c.encode(upload, forKey: .upload)
        try c.encode(server, forKey: .server)
        try c.encode(download, forKey: .download)
        try c.encode(remoteReported, forKey: .remoteReported)
        try c.encode(remoteSource, forKey: .remoteSource)
        try c.encode(remoteEstimated, forKey: .remoteEstimated)
        try c.encode(bytesSent, forKey: .bytesSent)
        try c.encode(bytesReceived, forKey: .bytesReceived)
    }
}

/// Where a figure for a remote's own time came from.
public enum RemoteTimeSource: String, Codable, Sendable, Equatable {
    /// The answer's body says it: inferd's `timings_ms.total`, or a `total_ms` parameter of an OIP answer.
    case reported
    /// The HTTP `Server-Timing` header (its `total` metric, else its longest).
    case serverTiming = "server-timing"
    /// Nothing said: the wait for the answer minus one round trip, measured by the TCP handshake.
    case connectEstimate = "connect-estimate"
}
