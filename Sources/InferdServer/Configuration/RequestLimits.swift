import InferdRuntime

/// What one request may ask for. A plain value with documented defaults.
public struct RequestLimits: Sendable, Equatable {
    /// Largest request body, bytes. Default 64 MiB (a 4K JPEG is 1–5 MiB; a raw 4K `UINT8` tensor
    /// for `/v2/.../infer` is 24 MiB).
    public var maxBodyBytes: Int
    /// Largest image, in pixels (width × height, as the image header or tensor shape declares it).
    /// Default 100 megapixels; checked before any pixel memory is allocated.
    public var maxImagePixels: Int
    /// Largest `top` a classify request may ask for. Default 1000 (every ImageNet class).
    public var maxTopK: Int
    /// `top` when the request does not say. Default 5.
    public var defaultTopK: Int
    /// The most memory one image decode may need (``DecodeCost``), bytes. Default 256 MiB. Large
    /// images within ``maxImagePixels`` cost little (PNG rows and baseline JPEG bands are scaled down
    /// as they are read); this bounds the ones that must be held whole (progressive JPEG,
    /// interlaced PNG): the largest accepted follow from it (44 MP and 67 MP at the default).
    public var maxDecodeBytes: Int
    /// Seconds one image decode may take before the request is answered 413. Default 30 (a release
    /// build decodes a 100-megapixel PNG in about a second).
    public var decodeTimeout: Double

    /// Bytes all requests in flight may hold together: bodies, decoded pixels, tensors
    /// (`limits.max_in_flight_bytes`). Past it a new request waits up to ``inFlightWait``, then gets
    /// 503 with `Retry-After`. Default 256 MiB (four bodies of the default largest size).
    public var maxInFlightBytes: Int
    /// Seconds a request waits for room under ``maxInFlightBytes`` before 503 (`limits.in_flight_wait`).
    /// Default 2.
    public var inFlightWait: Double
    /// Requests that may wait for a compute worker (per lane) beyond the ones running; more are
    /// answered 503 with `Retry-After` at once. Default 64.
    public var maxQueued: Int
    /// How long a request may wait for a compute worker, from its admission, before it is answered 503
    /// with `Retry-After`. Default 10 s. (Waiting for a cold load is not counted: that is the load's.)
    public var queueTimeout: Duration

    public init(maxBodyBytes: Int = 64 << 20, maxImagePixels: Int = 100_000_000, maxTopK: Int = 1000, defaultTopK: Int = 5,
                maxInFlightBytes: Int = 256 << 20, inFlightWait: Double = 2,
                maxDecodeBytes: Int = DecodeOptions.defaultMaxWorkingBytes, decodeTimeout: Double = 30,
                maxQueued: Int = 64, queueTimeout: Duration = .seconds(10)) {
        self.maxInFlightBytes = maxInFlightBytes
        self.inFlightWait = inFlightWait
        self.maxQueued = maxQueued
        self.queueTimeout = queueTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxImagePixels = maxImagePixels
        self.maxTopK = maxTopK
        self.defaultTopK = defaultTopK
        self.maxDecodeBytes = maxDecodeBytes
        self.decodeTimeout = decodeTimeout
    }

    /// Decode options for a model that needs at least `minimumSize`, with the deadline starting now.
    public func decodeOptions(minimumSize: (width: Int, height: Int)?) -> DecodeOptions {
        DecodeOptions(minimumSize: minimumSize, maxPixels: maxImagePixels, maxWorkingBytes: maxDecodeBytes,
                      deadline: .now + .milliseconds(Int64(decodeTimeout * 1000)))
    }
}
