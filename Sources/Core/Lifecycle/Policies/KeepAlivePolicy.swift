/// Keep-alive (Ollama's `keep_alive`): each model stays warm for a time after its last request and is
/// then unloaded by the TTL sweep. Under budget pressure the model whose keep-alive ends first goes
/// first (no expiry = last), then the least recently used.
///
/// The sweep itself is the manager's (a per-model keep-alive applies under every policy); this policy
/// only orders victims and, as the `ttl` policy, gives models a default keep-alive.
public struct KeepAlivePolicy: EvictionPolicy {
    public let name = "ttl"
    public init() {}

    public func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate] {
        candidates.sorted {
            let (a, b) = ($0.expiresAt ?? .infinity, $1.expiresAt ?? .infinity)
            return a != b ? a < b : $0.usedBefore($1)
        }
    }
}
