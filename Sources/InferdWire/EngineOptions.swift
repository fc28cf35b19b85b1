/// How models are compiled for the CPU.
///
/// A plain value with documented defaults; the daemon fills it from flags and its config file.
public struct EngineOptions: Sendable, Equatable, Codable {
    /// Inference precision. OpenVINO picks `bf16` by itself on CPUs that have it (AMX/AVX512-BF16);
    /// `f32` makes results match other runtimes to 1e-4.
    public enum Precision: String, Sendable, Codable, CaseIterable {
        /// Let OpenVINO choose (bf16 where the CPU has it, f32 otherwise).
        case auto
        case f32
        case bf16
        case f16
    }

    /// OpenVINO's performance hint: one stream for the lowest single-request latency, or several
    /// streams for the most requests per second.
    public enum PerformanceHint: String, Sendable, Codable, CaseIterable {
        case latency = "LATENCY"
        case throughput = "THROUGHPUT"
    }

    /// Inference threads per compiled model; 0 lets OpenVINO use every core.
    public var threads: Int
    /// See ``Precision``. Default `.auto`.
    public var precision: Precision
    /// See ``PerformanceHint``. Default `.latency` (the paper measures single-request latency).
    public var performanceHint: PerformanceHint
    /// Directory where OpenVINO caches compiled models (a later compile of the same model reads the
    /// blob instead of compiling). `nil` disables the cache.
    public var cacheDirectory: String?
    /// OpenVINO device name. inferd targets the CPU.
    public var device: String

    public init(threads: Int = 0, precision: Precision = .auto, performanceHint: PerformanceHint = .latency,
                cacheDirectory: String? = nil, device: String = "CPU") {
        self.threads = threads
        self.precision = precision
        self.performanceHint = performanceHint
        self.cacheDirectory = cacheDirectory
        self.device = device
    }
}
