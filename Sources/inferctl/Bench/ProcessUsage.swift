import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and page faults of a process, read from `/proc/PID/stat`, and its peak resident memory
/// from `/proc/PID/status` (VmHWM) — what a benchmark cell reports about the daemon.
///
/// Page faults are the nearest Linux counterpart of the paper's garbage-collection counts: they count
/// the memory the process touched for the first time (minor) or had to read from disk (major).
struct ProcessUsage: Sendable, Equatable {
    /// User plus system CPU time, seconds.
    var cpuSeconds: Double
    var minorFaults: Int64
    var majorFaults: Int64

    /// Clock ticks per second for the times in `/proc/PID/stat`.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The usage of process `pid` now, or nil when it is gone or `/proc` is unreadable.
    static func read(pid: Int32) -> ProcessUsage? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parse(stat: text)
    }

    /// Parses a `/proc/PID/stat` line. The command name (field 2) may hold spaces and parentheses, so
    /// fields are counted after its last `)`: minflt is field 10, majflt 12, utime 14, stime 15.
    static func parse(stat text: String) -> ProcessUsage? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state).
        func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
        guard let minflt = field(10), let majflt = field(12), let utime = field(14), let stime = field(15) else { return nil }
        return ProcessUsage(cpuSeconds: (utime + stime) / ticksPerSecond, minorFaults: Int64(minflt), majorFaults: Int64(majflt))
    }

    /// Peak resident set size of `pid` (VmHWM), bytes; nil when unreadable.
    static func peakResidentBytes(pid: Int32) -> Int64? {
        statusField("VmHWM", pid: pid)
    }

    /// Current resident set size of `pid` (VmRSS), bytes; nil when unreadable.
    static func residentBytes(pid: Int32) -> Int64? {
        statusField("VmRSS", pid: pid)
    }

    /// Resets the peak resident set of `pid` to its current size (`echo 5 > /proc/PID/clear_refs`).
    /// Returns false when the kernel refuses (not our process, no permission, old kernel).
    static func resetPeakResident(pid: Int32) -> Bool {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// A `kB` field of `/proc/PID/status`, in bytes.
    static func statusField(_ name: String, pid: Int32) -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int64($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }
}
