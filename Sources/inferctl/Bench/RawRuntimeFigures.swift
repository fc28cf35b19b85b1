import Core

/// What `inferctl bench --raw-runtime` measured for one model: OpenVINO itself, in process, no daemon.
struct RawRuntimeFigures: Codable, Sendable {
    var model: String
    /// The network's own input, e.g. `224x224` (width x height).
    var input: String
    /// Starting the runtime (`ov_core_create`), ms.
    var runtimeInit: LatencySummary
    /// Plain OpenVINO: read the file, compile the network as it is (no preprocessing), ms.
    var rawRead: LatencySummary
    var rawCompile: LatencySummary
    /// What the daemon's loader does (read, add preprocessing, compile), ms, without cache.
    var loaderLoad: LatencySummary
    /// The loader with a compiled-model cache: the first load (fills the cache) and later loads, each
    /// in a fresh runtime (read the blob instead of compiling), ms.
    var cacheFillLoad: Double
    var cachedLoad: LatencySummary
    /// Inference on the plain network, an f32 tensor of the network's input shape: raw compute, ms.
    var rawCompute: LatencySummary
    /// Inference on the daemon's compiled model (u8 pixels at the network's size, in-model
    /// normalisation) through `LoadedModel.classify`: preprocess + compute + postprocess, ms.
    var modelCompute: LatencySummary
    var precision: String
    /// Decoding the large image for this model: DCT-scaled versus full, and what the in-model resize
    /// adds for each (compute on the decoded image minus compute at the network's size).
    var decode: DecodeFigures?

    struct DecodeFigures: Codable, Sendable {
        var image: String
        var originalSize: String
        var dctSize: String
        var dctDecode: LatencySummary
        var fullDecode: LatencySummary
        var computeDCT: LatencySummary
        var computeFull: LatencySummary
        /// decode + preprocess + the extra compute of the in-model resize, ms.
        var rescaleDCT: Double
        var rescaleFull: Double
        /// `rescaleFull / rescaleDCT`.
        var speedup: Double

        enum CodingKeys: String, CodingKey {
            case image, speedup
            case originalSize = "original_size"
            case dctSize = "dct_size"
            case dctDecode = "dct_decode_ms"
            case fullDecode = "full_decode_ms"
            case computeDCT = "compute_dct_ms"
            case computeFull = "compute_full_ms"
            case rescaleDCT = "rescale_dct_ms"
            case rescaleFull = "rescale_full_ms"
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, input, precision, decode
        case runtimeInit = "runtime_init_ms"
        case rawRead = "raw_read_ms"
        case rawCompile = "raw_compile_ms"
        case loaderLoad = "loader_load_ms"
        case cacheFillLoad = "cache_fill_load_ms"
        case cachedLoad = "cached_load_ms"
        case rawCompute = "raw_compute_ms"
        case modelCompute = "model_compute_ms"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(model, forKey: .model)
        try c.encode(input, forKey: .input)
        try c.encode(precision, forKey: .precision)
        try c.encode(decode, forKey: .decode)
        try c.encode(runtimeInit, forKey: .runtimeInit)
        try c.encode(rawRead, forKey: .rawRead)
        try c.encode(rawCompile, forKey: .rawCompile)
        try c.encode(loaderLoad, forKey: .loaderLoad)
        try c.encode(cacheFillLoad, forKey: .cacheFillLoad)
        try c.encode(cachedLoad, forKey: .cachedLoad)
        try c.encode(rawCompute, forKey: .rawCompute)
        try c.encode(modelCompute, forKey: .modelCompute)
    }
}
