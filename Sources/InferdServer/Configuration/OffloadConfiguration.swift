import Core
import InferdClient

/// The `[offload]` settings: where classifications may be sent instead of running here.
///
/// ```toml
/// [offload]
/// remotes = ["http://10.0.0.2:8080 models=alexnet,nin", "http://10.0.0.3:8000 protocol=oip"]
/// mode = "auto"            # never | always | when-cold | auto
/// timeout_ms = 10000
/// probe_interval = 20
/// metadata_max_age = 30
/// ```
public struct OffloadConfiguration: Sendable, Equatable {
    /// Remote servers (`remotes`). Default none: everything runs here.
    public var remotes: [RemoteServer] = []
    /// The default mode (`mode`); nil: `auto` when remotes are configured, else `never`.
    public var mode: OffloadMode?
    /// How long a remote exchange may take before the request runs here instead (`timeout_ms`),
    /// milliseconds. Default 10000.
    public var timeoutMilliseconds: Int = 10_000
    /// In `auto`, every this-many requests kept here one probes the remote (`probe_interval`); 0 never.
    /// Default 20.
    public var probeInterval: Int = 20
    /// Seconds an Open Inference remote's model metadata is trusted before it is read again
    /// (`metadata_max_age`), so a redeployed remote model is followed; 0 reads it before every
    /// request. A failed `/infer` that could mean a changed model reads it at once. Default 30.
    public var metadataMaxAge: Double = RemoteMetadataCache.defaultMaxAge

    public init() {}

    /// The mode in effect.
    public var effectiveMode: OffloadMode { mode ?? (remotes.isEmpty ? .never : .auto) }

    /// True when there is somewhere to offload to.
    public var isEnabled: Bool { !remotes.isEmpty }
}
