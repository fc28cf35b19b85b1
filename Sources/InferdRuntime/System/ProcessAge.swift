import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How long ago the kernel started this process: `starttime` of `/proc/self/stat` (clock ticks after
/// boot) against `CLOCK_BOOTTIME`. Covers what happens before `main` — the dynamic loader mapping
/// OpenVINO, Swift's runtime start-up — which a stopwatch started in `main` cannot see.
public enum ProcessAge {
    /// Milliseconds since the process started; nil when `/proc/self/stat` cannot be read.
    /// Resolution is one clock tick (usually 10 ms).
    public static func milliseconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let startTicks = startTime(stat: text) else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard ticksPerSecond > 0 else { return nil }
        var now = timespec()
        guard clock_gettime(CLOCK_BOOTTIME, &now) == 0 else { return nil }
        let nowMilliseconds = Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
        return max(0, nowMilliseconds - Double(startTicks) / ticksPerSecond * 1000)
    }

    /// Field 22 (`starttime`) of a `/proc/PID/stat` line. The command name (field 2) is in
    /// parentheses and may hold spaces, so fields are counted after the last `)`.
    public static func startTime(stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ")": field 3 (state) is fields[0], so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
