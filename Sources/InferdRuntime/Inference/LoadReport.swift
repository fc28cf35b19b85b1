/// What loading one model cost: time per step and the memory it added.
public struct LoadReport: Codable, Sendable, Equatable {
    /// Reading (parsing) the model file, ms.
    public var readMilliseconds: Double
    /// Compiling (with preprocessing) for the device, ms.
    public var compileMilliseconds: Double
    /// A first inference on a blank image (warm-up), ms; `nil` when no warm-up ran.
    public var warmupMilliseconds: Double?
    /// Process resident memory growth across the load, bytes: the model's measured resident cost.
    public var residentBytes: Int64
    /// The precision OpenVINO chose (`f32`, `bf16`, …).
    public var precision: String
    /// OpenVINO's performance hint the model was compiled with (`latency`, `throughput`).
    public var performanceHint: String?
    /// True when the compiled model came from the cache directory (read = reading the blob, compile =
    /// importing it).
    public var cacheHit: Bool
    /// What `precision auto` measured and kept (`nil` when the precision was set explicitly).
    public var precisionChoice: PrecisionChoice?
    /// What loading this model into a freshly started inferd adds, as a ``FootprintMeter`` measured it
    /// in a separate process (nil: not measured yet, or no meter).
    public var footprintBytes: Int64?

    /// Read plus compile plus warm-up, ms: what a cold start costs before the request's own inference.
    public var totalMilliseconds: Double { readMilliseconds + compileMilliseconds + (warmupMilliseconds ?? 0) }

    public init(readMilliseconds: Double, compileMilliseconds: Double, warmupMilliseconds: Double? = nil,
                residentBytes: Int64, precision: String, cacheHit: Bool = false) {
        self.readMilliseconds = readMilliseconds
        self.compileMilliseconds = compileMilliseconds
        self.warmupMilliseconds = warmupMilliseconds
        self.residentBytes = residentBytes
        self.precision = precision
        self.cacheHit = cacheHit
    }
}
