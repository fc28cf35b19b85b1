import Foundation

/// What the serving process used during one cell: CPU, peak memory, page faults, energy.
///
/// For cells against the running daemon these describe the daemon; for `in-process` cells the
/// `inferctl` children (their summed CPU time and faults; the peak is the largest child's); for
/// `daemon-cold-start` the fresh daemons (CPU and faults summed from process start to the answer,
/// the peak the largest one's).
struct CellResources: Codable, Sendable, Equatable {
    /// Which process was measured: `daemon`, `in-process children` or `fresh daemons`.
    var measured: String
    /// CPU time over wall time, percent (200 = both cores busy on this host).
    var cpuPercent: Double?
    /// Peak resident set during the cell, bytes.
    var peakRSSBytes: Int64?
    /// How the peak was taken: `reset before the cell`, or why it could not be reset.
    var peakRSSNote: String
    var minorFaults: Int64?
    var majorFaults: Int64?
    /// Package energy during the cell, joules (whole machine, RAPL), nil when unavailable.
    var energyJoules: Double?
    /// `rapl` or why energy is "n/a".
    var energyNote: String
    /// Wall time of the cell, ms (the denominator of the CPU percentage).
    var wallMilliseconds: Double

    /// Nothing could be measured: `what` runs elsewhere.
    static func unmeasured(_ what: String) -> CellResources {
        CellResources(measured: what, cpuPercent: nil, peakRSSBytes: nil, peakRSSNote: "n/a: not on this host", minorFaults: nil,
                      majorFaults: nil, energyJoules: nil, energyNote: "n/a: not on this host", wallMilliseconds: 0)
    }

    enum CodingKeys: String, CodingKey {
        case measured
        case cpuPercent = "cpu_percent"
        case peakRSSBytes = "peak_rss_bytes"
        case peakRSSNote = "peak_rss_note"
        case minorFaults = "minor_faults"
        case majorFaults = "major_faults"
        case energyJoules = "energy_joules"
        case energyNote = "energy_note"
        case wallMilliseconds = "wall_ms"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(measured, forKey: .measured)
        try c.encode(cpuPercent, forKey: .cpuPercent)
        try c.encode(peakRSSBytes, forKey: .peakRSSBytes)
        try c.encode(peakRSSNote, forKey: .peakRSSNote)
        try c.encode(minorFaults, forKey: .minorFaults)
        try c.encode(majorFaults, forKey: .majorFaults)
        try c.encode(energyJoules, forKey: .energyJoules)
        try c.encode(energyNote, forKey: .energyNote)
        try c.encode(wallMilliseconds, forKey: .wallMilliseconds)
    }
}
