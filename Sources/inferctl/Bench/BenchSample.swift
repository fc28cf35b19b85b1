import InferdClient

/// One measured request in the paper's columns, milliseconds.
///
/// - `load`: loading the model (read + compile; in process also starting the runtime), 0 when warm;
/// - `rescale`: the paper's "rescale bitmap": client-side downscale (with `--resize client`) plus the
///   server's decode and preprocess;
/// - `upload`: transfer — the HTTP round trip minus the server's own time (0 in process);
/// - `compute`: the paper's "compute probability": inference plus softmax/top-k;
/// - `startup`: starting a process before it could answer (in-process: the child's wall time not
///   spent classifying; daemon cold start: process start to ready), 0 otherwise;
/// - `total`: what the caller waited, end to end, including all of the above and any queueing.
struct BenchSample: Sendable, Equatable {
    var load = 0.0
    var rescale = 0.0
    var upload = 0.0
    var compute = 0.0
    var startup = 0.0
    var total = 0.0
    /// Of `rescale`: the client's downscale before sending, when it did one.
    var clientResize: Double?
    /// True when the server (or the in-process run) said this request paid a model load.
    var cold = false
    /// Image bytes sent (after any client-side resize).
    var bytesSent = 0

    /// A request answered by the daemon, with `clientResize` ms spent downscaling before it was sent.
    init(daemon result: ClassifyResult, clientResize: Double?) {
        let server = result.response.timings
        load = server.load
        self.clientResize = clientResize
        rescale = (clientResize ?? 0) + server.decode + server.preprocess
        upload = result.transferMilliseconds
        compute = server.compute + server.postprocess
        total = result.client.endToEnd + (clientResize ?? 0)
        cold = result.response.cold
        bytesSent = result.imageBytes
    }

    /// A memberwise sample.
    init(load: Double = 0, rescale: Double = 0, upload: Double = 0, compute: Double = 0, startup: Double = 0,
         total: Double = 0, cold: Bool = false, bytesSent: Int = 0, clientResize: Double? = nil) {
        self.load = load
        self.rescale = rescale
        self.upload = upload
        self.compute = compute
        self.startup = startup
        self.total = total
        self.cold = cold
        self.bytesSent = bytesSent
        self.clientResize = clientResize
    }
}
