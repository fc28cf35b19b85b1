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
                remoteError: String? = nil, predicted: Prediction? = nil, network: RemoteTimings? = nil) {
        self.side = side
        self.mode = mode
        self.remote = remote
        self.reason = reason
        self.fallback = fallback
        self.remoteError = remoteError
        self.predicted = predicted
        self.network = network
    }

    enum CodingKeys: String, CodingKey {
        case mode, remote, reason, fallback, network
        case side = "where"
        case remoteError = "remote_error"
        case predicted = "predicted_ms"
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
    /// `total_ms` parameter); the rest of ``server`` is network latency and queueing.
    public var remoteReported: Double?
    /// Request bytes sent and answer bytes received.
    public var bytesSent: Int
    public var bytesReceived: Int

    public init(connect: Double, upload: Double, server: Double, download: Double, remoteReported: Double? = nil,
                bytesSent: Int, bytesReceived: Int) {
        self.connect = connect
        self.upload = upload
        self.server = server
        self.download = download
        self.remoteReported = remoteReported
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
    }

    /// The exchange's wall time.
    public var total: Double { connect + upload + server + download }

    enum CodingKeys: String, CodingKey {
        case connect, upload, server, download
        case remoteReported = "remote_reported"
        case bytesSent = "bytes_sent"
        case bytesReceived = "bytes_received"
    }
}
