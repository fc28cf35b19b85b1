/// Reads the process's memory, injected so tests can script it.
public protocol MemoryProbe: Sendable {
    /// Resident bytes of this process now.
    func residentBytes() -> Int64
}

/// The real probe: `/proc/self/statm`.
public struct ProcessMemoryProbe: MemoryProbe {
    public init() {}
    public func residentBytes() -> Int64 { ProcessMemory.residentBytes() }
}
