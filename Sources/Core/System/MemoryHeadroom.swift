import Foundation

/// How much more memory this process's cgroup (or, without a cgroup limit, the machine) can take
/// now before the kernel reclaims hard or kills: what a helper process that briefly needs as much
/// memory again as a model checks before it starts.
public enum MemoryHeadroom {
    /// The lower of `MemAvailable` and, under a cgroup v2 limit (`memory.max` or `memory.high`, the
    /// lower), the limit minus `memory.current`; nil when neither can be read.
    public static func bytes(cgroupRoot: String = "/sys/fs/cgroup", procRoot: String = "/proc") -> Int64? {
        var candidates: [Int64] = []
        if let available = KernelFile.kilobytes("MemAvailable:", in: procRoot + "/meminfo") { candidates.append(available) }
        if let dir = CgroupPaths(procRoot: procRoot, cgroupRoot: cgroupRoot).unifiedDirectory,
           let current = KernelFile.number(dir + "/memory.current"),
           let limit = MemoryBudget.cgroupV2Limit(dir, memTotal: MemoryBudget.readMemTotal(procRoot: procRoot)) {
            candidates.append(max(0, limit.bytes - current))
        }
        return candidates.min()
    }
}
