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
    /// Bytes all requests in flight may hold together: bodies, decoded pixels, tensors
    /// (`limits.max_in_flight_bytes`). Past it a new request waits up to ``inFlightWait``, then gets
    /// 503 with `Retry-After`. Default 256 MiB (four bodies of the default largest size).
    public var maxInFlightBytes: Int
    /// Seconds a request waits for room under ``maxInFlightBytes`` before 503 (`limits.in_flight_wait`).
    /// Default 2.
    public var inFlightWait: Double

    public init(maxBodyBytes: Int = 64 << 20, maxImagePixels: Int = 100_000_000, maxTopK: Int = 1000, defaultTopK: Int = 5,
                maxInFlightBytes: Int = 256 << 20, inFlightWait: Double = 2) {
        self.maxInFlightBytes = maxInFlightBytes
        self.inFlightWait = inFlightWait
        self.maxBodyBytes = maxBodyBytes
        self.maxImagePixels = maxImagePixels
        self.maxTopK = maxTopK
        self.defaultTopK = defaultTopK
    }
}
