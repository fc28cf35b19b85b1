import InferdWire

/// The manager's figures for `/v1/status` and systemd's `STATUS=` line.
public struct LifecycleStatus: Sendable, Equatable {
    public var budget: MemoryBudget
    public var policy: String
    /// Bytes held by warm models (measured) plus reservations of loads in progress (estimated).
    public var usedBytes: Int64
    public var pressure: PressureLevel
    public var counters: StatusResponse.Counters
    public var warmModels: Int
    public var totalModels: Int
    public var inFlight: Int
    public var ready: Bool

    /// One line: `3 warm, 412 MiB of 1.0 GiB, policy lru, pressure none`.
    public var summaryLine: String {
        "\(warmModels) warm, \(formatBytes(usedBytes)) of \(formatBytes(budget.bytes)), policy \(policy), pressure \(pressure.rawValue)"
    }
}
