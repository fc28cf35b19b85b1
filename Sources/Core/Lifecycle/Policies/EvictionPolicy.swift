/// What an eviction policy sees of one resident model.
public struct EvictionCandidate: Sendable, Equatable {
    public var name: String
    /// Resident bytes (measured).
    public var bytes: Int64
    /// What reloading it would cost, ms (its measured load time).
    public var loadCost: Double
    /// Clock seconds of its last request (or of its load, if none since).
    public var lastUsed: Double
    /// Clock seconds when it became warm.
    public var loadedAt: Double
    /// When its keep-alive expires (clock seconds), `nil` when it has none.
    public var expiresAt: Double?
    /// Sequence number of its last access (request or load), increasing across the manager: the
    /// tie-break that keeps recency true when clock readings are equal (whole-second trace times).
    public var lastAccess: UInt64

    public init(name: String, bytes: Int64, loadCost: Double, lastUsed: Double, loadedAt: Double, expiresAt: Double? = nil,
                lastAccess: UInt64 = 0) {
        self.name = name
        self.bytes = bytes
        self.loadCost = loadCost
        self.lastUsed = lastUsed
        self.loadedAt = loadedAt
        self.expiresAt = expiresAt
        self.lastAccess = lastAccess
    }

    /// Recency order: the earlier last access first (clock time, then sequence number; never the name).
    public func usedBefore(_ other: EvictionCandidate) -> Bool {
        (lastUsed, lastAccess) < (other.lastUsed, other.lastAccess)
    }
}

/// Orders eviction victims. Pure code: it is told about accesses, loads and evictions, with the time
/// from an injected clock, and answers "in which order would you evict these?". It never touches
/// model state; the ``ModelManager`` (and the simulator) decide what to do with the answer, after
/// the priority classes (pinned > foreground > recent > cached) and the churn guard.
public protocol EvictionPolicy: Sendable {
    /// The name used in configuration and reports (`lru`, `lfu`, `gdsf`, `ttl`, `manual`).
    var name: String { get }
    /// False for a policy that never evicts on its own (`manual`): loads that do not fit are refused.
    var evictsAutomatically: Bool { get }
    /// A request was served by `candidate` at `now` (a hit, or the request that loaded it).
    mutating func recordAccess(_ candidate: EvictionCandidate, now: Double)
    /// `name` was unloaded (for any reason).
    mutating func recordEviction(_ name: String, now: Double)
    /// `candidates` in eviction order: the first is the first victim.
    func order(_ candidates: [EvictionCandidate], now: Double) -> [EvictionCandidate]
}

extension EvictionPolicy {
    public var evictsAutomatically: Bool { true }
    public mutating func recordAccess(_ candidate: EvictionCandidate, now: Double) {}
    public mutating func recordEviction(_ name: String, now: Double) {}
}

/// The policies a configuration can name.
public enum EvictionPolicyKind: String, Sendable, Codable, CaseIterable {
    case lru, lfu, gdsf, ttl, manual

    /// A fresh policy of this kind.
    public func make() -> any EvictionPolicy {
        switch self {
        case .lru: LRUPolicy()
        case .lfu: LFUPolicy()
        case .gdsf: GDSFPolicy()
        case .ttl: KeepAlivePolicy()
        case .manual: ManualPolicy()
        }
    }

    /// Parses a policy name, with the list of valid names in the error.
    public static func parse(_ text: String) throws(ConfigurationError) -> EvictionPolicyKind {
        guard let kind = EvictionPolicyKind(rawValue: text.lowercased()) else {
            throw ConfigurationError(.invalidValue, "unknown eviction policy \"\(text)\"; use one of \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}
