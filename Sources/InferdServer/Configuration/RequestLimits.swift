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

    /// Requests that may wait for a compute worker (per lane) beyond the ones running; more are
    /// answered 503 with `Retry-After` at once. Default 64.
    public var maxQueued: Int
    /// How long a request may wait for a compute worker, from its admission, before it is answered 503
    /// with `Retry-After`. Default 10 s. (Waiting for a cold load is not counted: that is the load's.)
    public var queueTimeout: Duration

    public init(maxBodyBytes: Int = 64 << 20, maxImagePixels: Int = 100_000_000, maxTopK: Int = 1000, defaultTopK: Int = 5,
                maxQueued: Int = 64, queueTimeout: Duration = .seconds(10)) {
        self.maxQueued = maxQueued
        self.queueTimeout = queueTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxImagePixels = maxImagePixels
        self.maxTopK = maxTopK
        self.defaultTopK = defaultTopK
    }
}
