import Foundation

/// What the serving process used during one cell: CPU, peak memory, page faults, energy.
///
/// The device-cost column of the report is CPU-seconds per request — the paper's battery column's
/// honest counterpart on a host without RAPL: ``cpuSeconds`` of the serving process on this host
/// plus ``clientCPUSeconds`` of `inferctl` itself, over the cell's samples. Energy (RAPL) is
/// reported beside it where the host exposes it.
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
    /// User plus system CPU time of the measured process(es) over the cell, seconds.
    var cpuSeconds: Double? = nil
    /// User plus system CPU time of this `inferctl` (the client: sending, and downscaling with
    /// `--resize client`) over the cell, seconds; nil where it was not measured.
    var clientCPUSeconds: Double? = nil
    /// Resident set of the measured process when the cell began, bytes: the peak minus it is what
    /// the cell grew the process by (for a cold cell, the load phase).
    var startRSSBytes: Int64? = nil

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
        case cpuSeconds = "cpu_seconds"
        case clientCPUSeconds = "client_cpu_seconds"
        case startRSSBytes = "start_rss_bytes"
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
        try c.encode(cpuSeconds, forKey: .cpuSeconds)
        try c.encode(clientCPUSeconds, forKey: .clientCPUSeconds)
        try c.encode(startRSSBytes, forKey: .startRSSBytes)
    }

    /// Device CPU-seconds per request over `samples`: the serving process's when it is the device
    /// (`includeServer`), plus the client's. Nil when nothing was measured. Older results without
    /// `cpu_seconds` fall back to the CPU percentage times the wall time.
    func deviceCPUSecondsPerRequest(samples: Int, includeServer: Bool) -> Double? {
        guard samples > 0 else { return nil }
        let server: Double? = includeServer ? (cpuSeconds ?? cpuPercent.map { $0 / 100 * wallMilliseconds / 1000 }) : nil
        guard server != nil || clientCPUSeconds != nil else { return nil }
        return ((server ?? 0) + (clientCPUSeconds ?? 0)) / Double(samples)
    }
}
