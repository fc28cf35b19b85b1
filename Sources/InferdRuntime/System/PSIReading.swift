import Core

/// One read of a PSI file (`/proc/pressure/memory` or a cgroup's `memory.pressure`):
/// ```
/// some avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// full avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// ```
public struct PSIReading: Sendable, Equatable {
    /// Percent of the last 10 s in which some tasks stalled on memory.
    public var someAverage10: Double
    /// Percent of the last 10 s in which all non-idle tasks stalled at once.
    public var fullAverage10: Double
    /// Total stall time, µs.
    public var someTotal: Int64
    public var fullTotal: Int64

    public init(someAverage10: Double, fullAverage10: Double, someTotal: Int64, fullTotal: Int64) {
        self.someAverage10 = someAverage10
        self.fullAverage10 = fullAverage10
        self.someTotal = someTotal
        self.fullTotal = fullTotal
    }

    /// Parses the file's text; `nil` when it is not PSI.
    public static func parse(_ text: String) -> PSIReading? {
        var reading = PSIReading(someAverage10: 0, fullAverage10: 0, someTotal: 0, fullTotal: 0)
        var seenSome = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let kind = fields.first else { continue }
            var average10: Double?
            var total: Int64?
            for field in fields.dropFirst() {
                let pair = field.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if pair[0] == "avg10" { average10 = Double(pair[1]) }
                if pair[0] == "total" { total = Int64(pair[1]) }
            }
            guard let average10, let total else { continue }
            if kind == "some" {
                reading.someAverage10 = average10
                reading.someTotal = total
                seenSome = true
            } else if kind == "full" {
                reading.fullAverage10 = average10
                reading.fullTotal = total
            }
        }
        return seenSome ? reading : nil
    }

    /// The level these averages mean under `thresholds`.
    public func level(_ thresholds: PressureThresholds) -> PressureLevel {
        if fullAverage10 >= thresholds.fullAverage10Percent { return .critical }
        if someAverage10 >= thresholds.someAverage10Percent { return .moderate }
        return .none
    }
}
