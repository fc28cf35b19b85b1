import Core
import InferdClient
import InferdWire

/// One classification as `inferctl classify --json` prints it: every key always present (null when it
/// does not apply), so scripts can rely on the shape.
///
/// ```json
/// {"image":"samples/chelsea.jpg","run":1,"mode":"daemon","resize":"server","model":"efficientnet-lite0",
///  "cold":true,"precision":"f32","labels":[...],"width":451,"height":300,"decoded_width":395,
///  "decoded_height":263,"bytes":38702,"bytes_sent":38702,
///  "timings_ms":{"runtime_init":null,"client_resize":null,"queue":0.0,"load":61.2,"read":null,
///   "compile":null,"decode":1.1,"preprocess":0.1,"compute":3.2,"postprocess":0.0,"total":65.8,
///   "connect":0.05,"upload":0.1,"wait":65.9,"download":0.02,"transfer":0.3,"end_to_end":66.1},
///  "remote":null,"placement":null}
/// ```
///
/// With `--remote`, `mode` is `remote` and `remote` holds `endpoint`, `protocol` (`inferd` or `oip`),
/// `connect`, `upload`, `server`, `remote_reported` (the server's own time, when it says it),
/// `remote_source` (`reported`, `server-timing`, or `connect-estimate` when `remote_estimated` is
/// the wait minus the TCP handshake), `network` (server minus the remote's time), `download`,
/// `bytes_sent`, `bytes_received`, `tensor_shape`, `softmax_applied` and, on OIP, `preprocessing`.
struct ClassifyRecord: Encodable {
    /// Where the classification ran.
    enum Mode: String, Encodable {
        /// Through the daemon's socket.
        case daemon
        /// In inferctl's own process (`--in-process`).
        case inProcess = "in-process"
        /// On a server over TCP (`--remote`), or through ``RemoteClassifier`` on the socket (`--remote-protocol`).
        case remote
    }

    /// How a remote call went: the protocol and ``RemoteTimings`` (`remote` in the JSON, null otherwise).
    struct Remote: Encodable {
        /// `http://host:port`, or `unix:/path` with `--remote-protocol` on the local socket.
        var endpoint: String
        /// `inferd` (classify route, image uploaded) or `oip` (tensor prepared here).
        var `protocol`: RemoteProtocol
        var timings: RemoteTimings
        /// On OIP: the tensor's shape and whether softmax was applied here.
        var tensorShape: [Int64]?
        var softmaxApplied: Bool
        /// On OIP: how the tensor was prepared and where each choice came from, in words.
        var preprocessing: String?

        /// The time in ``RemoteTimings/server`` that is not the remote's own (reported, else estimated):
        /// network latency and queueing, ms.
        var network: Double? { timings.remoteTime.map { max(0, timings.server - $0.milliseconds) } }

        enum CodingKeys: String, CodingKey {
            case endpoint, `protocol`, connect, upload, server, download, network, preprocessing
            case remoteReported = "remote_reported"
            case remoteSource = "remote_source"
            case remoteEstimated = "remote_estimated"
            case bytesSent = "bytes_sent"
            case bytesReceived = "bytes_received"
            case tensorShape = "tensor_shape"
            case softmaxApplied = "softmax_applied"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(endpoint, forKey: .endpoint)
            try c.encode(self.protocol, forKey: .protocol)
            try c.encode(timings.connect, forKey: .connect)
            try c.encode(timings.upload, forKey: .upload)
            try c.encode(timings.server, forKey: .server)
            try c.encode(timings.remoteReported, forKey: .remoteReported)
            try c.encode(timings.remoteTime?.source, forKey: .remoteSource)
            try c.encode(timings.remoteEstimated, forKey: .remoteEstimated)
            try c.encode(network, forKey: .network)
            try c.encode(timings.download, forKey: .download)
            try c.encode(timings.bytesSent, forKey: .bytesSent)
            try c.encode(timings.bytesReceived, forKey: .bytesReceived)
            try c.encode(tensorShape, forKey: .tensorShape)
            try c.encode(softmaxApplied, forKey: .softmaxApplied)
            try c.encode(preprocessing, forKey: .preprocessing)
        }
    }

    /// Milliseconds per step. Server-side steps come from the daemon's `timings_ms` (or, in process,
    /// the same steps measured here); client-side steps from ``ClientTimings``.
    struct Timings: Encodable {
        /// Remote OIP only: decoding the image and building the tensor here.
        var clientDecode: Double?
        var clientPreprocess: Double?
        /// In process only: starting the OpenVINO runtime (cold row only).
        var runtimeInit: Double?
        /// `--resize client`: decoding and re-encoding the image before sending it.
        var clientResize: Double?
        var queue: Double = 0
        var load: Double = 0
        /// Of `load`, when reported: reading and compiling the model.
        var read: Double?
        var compile: Double?
        var decode: Double = 0
        var preprocess: Double = 0
        var compute: Double = 0
        var postprocess: Double = 0
        /// The server's total (in process: load + decode + preprocess + compute + postprocess).
        var total: Double = 0
        /// Client-side phases of the HTTP exchange (daemon mode only).
        var connect: Double?
        var upload: Double?
        var wait: Double?
        var download: Double?
        /// The HTTP round trip minus the server's total (daemon mode only).
        var transfer: Double?
        /// Everything from having the image bytes to having the labels: client resize (if any) plus the
        /// HTTP round trip, or plus the in-process work.
        var endToEnd: Double = 0

        enum CodingKeys: String, CodingKey {
            case queue, load, read, compile, decode, preprocess, compute, postprocess, total
            case connect, upload, wait, download, transfer
            case runtimeInit = "runtime_init"
            case clientResize = "client_resize"
            case clientDecode = "client_decode"
            case clientPreprocess = "client_preprocess"
            case endToEnd = "end_to_end"
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(runtimeInit, forKey: .runtimeInit)
            try c.encode(clientResize, forKey: .clientResize)
            try c.encode(clientDecode, forKey: .clientDecode)
            try c.encode(clientPreprocess, forKey: .clientPreprocess)
            try c.encode(queue, forKey: .queue)
            try c.encode(load, forKey: .load)
            try c.encode(read, forKey: .read)
            try c.encode(compile, forKey: .compile)
            try c.encode(decode, forKey: .decode)
            try c.encode(preprocess, forKey: .preprocess)
            try c.encode(compute, forKey: .compute)
            try c.encode(postprocess, forKey: .postprocess)
            try c.encode(total, forKey: .total)
            try c.encode(connect, forKey: .connect)
            try c.encode(upload, forKey: .upload)
            try c.encode(wait, forKey: .wait)
            try c.encode(download, forKey: .download)
            try c.encode(transfer, forKey: .transfer)
            try c.encode(endToEnd, forKey: .endToEnd)
        }
    }

    /// The image path as given.
    var image: String
    /// 1-based repetition number (`--repeat`).
    var run: Int
    var mode: Mode
    var resize: ResizeMode
    var model: String
    /// True when this request paid a model load, as the server (or the in-process run) said.
    var cold: Bool
    var precision: String?
    var labels: [ClassLabel]
    /// The original image's declared size and file size.
    var width: Int
    var height: Int
    /// The size actually decoded by whoever classified (after DCT scaling), when known.
    var decodedWidth: Int?
    var decodedHeight: Int?
    var bytes: Int
    /// Image bytes sent in the request body (after `--resize client`, the re-encoded image).
    var bytesSent: Int
    var timings: Timings
    /// `--remote`: the protocol and the network breakdown.
    var remote: Remote?
    /// Where the daemon says the request ran and why, when it says.
    var placement: Placement?

    /// True when the daemon offloaded it over OIP: the answer's server steps (queue, load, compute,
    /// postprocess) are unknown, not zero.
    var ranRemotelyOverOIP: Bool { placement?.side == .remote && placement?.wireProtocol == RemoteProtocol.oip.rawValue }

    enum CodingKeys: String, CodingKey {
        case image, run, mode, resize, model, cold, precision, labels, width, height, bytes, remote, placement
        case decodedWidth = "decoded_width"
        case decodedHeight = "decoded_height"
        case bytesSent = "bytes_sent"
        case timings = "timings_ms"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(image, forKey: .image)
        try c.encode(run, forKey: .run)
        try c.encode(mode, forKey: .mode)
        try c.encode(resize, forKey: .resize)
        try c.encode(model, forKey: .model)
        try c.encode(cold, forKey: .cold)
        try c.encode(precision, forKey: .precision)
        try c.encode(labels, forKey: .labels)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(decodedWidth, forKey: .decodedWidth)
        try c.encode(decodedHeight, forKey: .decodedHeight)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(bytesSent, forKey: .bytesSent)
        try c.encode(timings, forKey: .timings)
        try c.encode(remote, forKey: .remote)
        try c.encode(placement, forKey: .placement)
    }
}

extension ClassifyRecord.Timings {
    /// Server-side steps from the daemon's answer, client-side phases from the exchange.
    init(daemon result: ClassifyResult, clientResize: Double?) {
        let server = result.response.timings
        self.init(clientResize: clientResize, queue: server.queue, load: server.load, read: server.read,
                  compile: server.compile, decode: server.decode, preprocess: server.preprocess,
                  compute: server.compute, postprocess: server.postprocess, total: server.total,
                  connect: result.client.connect, upload: result.client.upload, wait: result.client.wait,
                  download: result.client.download, transfer: result.transferMilliseconds,
                  endToEnd: result.client.endToEnd + (clientResize ?? 0))
    }

    /// A remote classification: on the inferd protocol the server's steps as above; on OIP the server's
    /// own total when it reports one, and the decode and preprocessing done here.
    init(remote result: RemoteClassification) {
        if let daemon = result.inferd {
            self.init(daemon: daemon, clientResize: result.clientResize)
        } else {
            let network = result.network
            let remote = network.remoteTime?.milliseconds ?? 0
            self.init(total: remote, connect: network.connect, upload: network.upload, wait: network.server,
                      download: network.download, transfer: network.total - remote, endToEnd: 0)
            clientDecode = result.clientDecode
            clientPreprocess = result.clientPreprocess
        }
        endToEnd = result.endToEnd
    }
}
