import Core
import InferdClient

/// The `[offload]` settings: where classifications may be sent instead of running here.
///
/// ```toml
/// [offload]
/// remotes = ["http://10.0.0.2:8080 models=alexnet,nin", "http://10.0.0.3:8000 protocol=oip"]
/// mode = "auto"            # never | always | when-cold | auto
/// timeout_ms = 10000
/// max_in_flight = 16
/// probe_interval = 20
/// metadata_max_age = 30
/// ```
public struct OffloadConfiguration: Sendable, Equatable {
    /// Remote servers (`remotes`). Default none: everything runs here.
    public var remotes: [RemoteServer] = []
    /// The default mode (`mode`); nil: `auto` when remotes are configured, else `never`.
    public var mode: OffloadMode?
    /// The deadline of an offloaded request (`timeout_ms`), milliseconds from its admission: waiting for
    /// a connection to the remote, decoding for an OIP remote and the whole exchange must end by then,
    /// or the request runs here instead — and must start here within a tenth of it more, or it is
    /// answered 503 with `Retry-After`. Default 10000.
    public var timeoutMilliseconds: Int = 10_000
    /// Requests in flight to one remote at once (`max_in_flight`), each on a kept-open connection; as
    /// many more may wait for one, and the rest run here at once. Default 16.
    public var maxInFlight: Int = 16
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
