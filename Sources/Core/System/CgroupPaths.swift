import Foundation

/// Where this process's cgroup lives, for cgroup v2 (unified, or the hybrid layout's `unified`
/// mount) and the v1 memory controller, read from `/proc/self/cgroup`.
public struct CgroupPaths: Sendable, Equatable {
    /// The cgroup v2 directory of this process (holds `memory.max`, `memory.pressure`), if any.
    public var unifiedDirectory: String?
    /// The cgroup v1 memory-controller directory of this process, if any.
    public var memoryV1Directory: String?

    public init(procRoot: String = "/proc", cgroupRoot: String = "/sys/fs/cgroup") {
        let text = (try? String(contentsOfFile: procRoot + "/self/cgroup", encoding: .utf8)) ?? ""
        let fm = FileManager.default
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0", parts[1].isEmpty {
                // Pure v2 mounts the hierarchy at cgroupRoot; the hybrid layout at cgroupRoot/unified.
                for base in [cgroupRoot, cgroupRoot + "/unified"] where fm.fileExists(atPath: base + "/cgroup.controllers") {
                    unifiedDirectory = base + (path == "/" ? "" : path)
                    break
                }
            } else if parts[1].split(separator: ",").contains("memory") {
                memoryV1Directory = cgroupRoot + "/memory" + (path == "/" ? "" : path)
            }
        }
    }
}
