/// Kernel memory pressure as the lifecycle manager acts on it (Android's onTrimMemory levels, reduced to two).
public enum PressureLevel: String, Sendable, Codable, CaseIterable, Comparable {
    /// No stall seen.
    case none
    /// Tasks stalled on memory for part of the window (PSI `some`): drop cached models down to the low watermark.
    case moderate
    /// All non-idle tasks stalled at once (PSI `full`): drop everything but pinned and in-flight models.
    case critical

    private var rank: Int {
        switch self {
        case .none: 0
        case .moderate: 1
        case .critical: 2
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// Why a model was unloaded; logged with every eviction and counted per reason.
public enum EvictionReason: String, Sendable, Codable, CaseIterable {
    /// Room was needed under the memory budget.
    case budget
    case pressureModerate = "pressure-moderate"
    case pressureCritical = "pressure-critical"
    /// The keep-alive expired.
    case ttl
    /// An operator asked (`inferctl unload`), or the model left the catalog on reload.
    case manual
}
