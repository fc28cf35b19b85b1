/// A model's measured sizes, and what it is charged from them. A sample is the growth of the
/// process's anonymous memory over the model's load; other requests running meanwhile can shrink it
/// (memory they free) or swell it (memory they take), so an implausible sample is rejected and the
/// charge is the median of the last few accepted ones. A charge is never 0 or negative.
public struct SizeSamples: Sendable, Equatable {
    /// Accepted samples kept (the median of these is charged).
    public static let kept = 5
    /// A sample below file size × this share is rejected: the weights alone are in memory once loaded.
    public static let minimumFileShare = 0.25

    /// The last accepted samples, oldest first.
    public private(set) var samples: [Int64] = []

    public init() {}

    /// Adds a measurement; returns why it was rejected, or `nil` when it was accepted.
    public mutating func add(_ bytes: Int64, fileBytes: Int64) -> String? {
        let floor = Int64(Double(fileBytes) * Self.minimumFileShare)
        guard bytes > 0 else { return "measured \(bytes) B (memory freed by others during the load)" }
        guard bytes >= floor else { return "measured \(bytes) B, below \(Int(Self.minimumFileShare * 100)) % of the file (\(fileBytes) B)" }
        samples = Array((samples + [bytes]).suffix(Self.kept))
        return nil
    }

    /// The median accepted sample, `nil` before any.
    public var median: Int64? {
        samples.isEmpty ? nil : samples.sorted()[samples.count / 2]
    }
}
