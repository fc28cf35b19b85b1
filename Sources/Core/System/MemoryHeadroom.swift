import Foundation

/// How much more memory this process's cgroup (or, without a cgroup limit, the machine) can take
/// now before the kernel reclaims hard or kills: what a helper process that briefly needs as much
/// memory again as a model checks before it starts.
public enum MemoryHeadroom {
    /// The lower of `MemAvailable` and, under a cgroup v2 limit (`memory.max` or `memory.high`, the
    /// lower), the limit minus `memory.current`; nil when neither can be read.
    public static func bytes(cgroupRoot: String = "/sys/fs/cgroup", procRoot: String = "/proc") -> Int64? {
        var candidates: [Int64] = []
        if let available = readMeminfo("MemAvailable:", procRoot: procRoot) { candidates.append(available) }
        let memTotal = MemoryBudget.readMemTotal(procRoot: procRoot)
        if let dir = CgroupPaths(procRoot: procRoot, cgroupRoot: cgroupRoot).unifiedDirectory,
           let current = MemoryBudget.readNumber(dir + "/memory.current") {
            let limits = ["memory.max", "memory.high"].compactMap { MemoryBudget.readNumber(dir + "/" + $0) }.filter { $0 < memTotal }
            if let limit = limits.min() { candidates.append(max(0, limit - current)) }
        }
        return candidates.min()
    }

    /// A `kB` line of `/proc/meminfo`, in bytes.
    static func readMeminfo(_ field: String, procRoot: String) -> Int64? {
        guard let text = try? String(contentsOfFile: procRoot + "/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return line.split(separator: " ").dropFirst().first.flatMap { Int64($0) }.map { $0 * 1024 }
        }
        return nil
    }
}
