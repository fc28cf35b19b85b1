import Foundation

/// Reads this process's memory from `/proc/self` (Linux).
public enum ProcessMemory {
    /// Resident set size in bytes (`/proc/self/statm`, second field, times the page size).
    public static func residentBytes() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Resident anonymous memory in bytes (`RssAnon` in `/proc/self/status`): heap and anonymous
    /// mappings, without file-backed pages (shared libraries, a memory-mapped model file) that the kernel
    /// can drop and re-read at will. The figure a model's resident cost is measured with.
    public static func anonymousBytes() -> Int64 {
        statusField("RssAnon:")
    }

    /// Peak resident set size in bytes (`VmHWM` in `/proc/self/status`).
    public static func peakResidentBytes() -> Int64 {
        statusField("VmHWM:")
    }

    /// A `kB` field of `/proc/self/status`, in bytes.
    private static func statusField(_ name: String) -> Int64 {
        KernelFile.kilobytes(name, in: "/proc/self/status") ?? 0
    }
}
