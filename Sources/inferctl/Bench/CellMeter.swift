import Core
import Foundation

/// Measures a process's resources across one cell: construct it before the cell (it resets the peak
/// RSS and reads the counters), call ``finish()`` after.
struct CellMeter {
    private let pid: Int32
    private let energy: EnergyMeter
    private let watch = Stopwatch()
    private let startUsage: ProcessUsage?
    private let startClient: ProcessUsage?
    private let startRSS: Int64?
    private let startEnergy: [Double]?
    private let peakReset: Bool
    private let measured: String

    /// Starts measuring process `pid` (the daemon; `measured` names it in the report).
    init(pid: Int32, energy: EnergyMeter, measured: String = "daemon") {
        self.pid = pid
        self.measured = measured
        self.energy = energy
        peakReset = ProcessUsage.resetPeakResident(pid: pid)
        startRSS = ProcessUsage.residentBytes(pid: pid)
        startUsage = ProcessUsage.read(pid: pid)
        startClient = ProcessUsage.read(pid: getpid())
        startEnergy = energy.read()
    }

    /// The resources used since the meter was made.
    func finish() -> CellResources {
        let wall = watch.elapsedMilliseconds
        let end = ProcessUsage.read(pid: pid)
        let delta = Self.delta(startUsage, end)
        let joules = energy.joules(from: startEnergy, to: energy.read())
        return CellResources(measured: measured,
                             cpuPercent: delta.map { Self.percent(cpuSeconds: $0.cpuSeconds, wallMilliseconds: wall) },
                             peakRSSBytes: ProcessUsage.peakResidentBytes(pid: pid),
                             peakRSSNote: peakReset ? "reset before the cell" : "not reset (clear_refs refused): peak since the daemon started",
                             minorFaults: delta?.minorFaults, majorFaults: delta?.majorFaults,
                             energyJoules: joules, energyNote: Self.energyNote(energy, joules),
                             wallMilliseconds: wall, cpuSeconds: delta?.cpuSeconds,
                             clientCPUSeconds: Self.delta(startClient, ProcessUsage.read(pid: getpid()))?.cpuSeconds,
                             startRSSBytes: startRSS)
    }

    /// `end - start`, or nil when either is missing.
    static func delta(_ start: ProcessUsage?, _ end: ProcessUsage?) -> ProcessUsage? {
        guard let start, let end else { return nil }
        return ProcessUsage(cpuSeconds: end.cpuSeconds - start.cpuSeconds, minorFaults: end.minorFaults - start.minorFaults,
                            majorFaults: end.majorFaults - start.majorFaults)
    }

    static func percent(cpuSeconds: Double, wallMilliseconds: Double) -> Double {
        wallMilliseconds > 0 ? cpuSeconds * 1000 / wallMilliseconds * 100 : 0
    }

    static func energyNote(_ meter: EnergyMeter, _ joules: Double?) -> String {
        joules != nil ? "rapl" : "n/a: " + (meter.unavailableReason ?? "counters unreadable during the cell")
    }
}
