import Foundation
import InferdRuntime
import InferdWire

/// The machine and software a benchmark ran on, as RESULTS.md needs it stated.
struct HostInfo: Codable, Sendable {
    /// `model name` from /proc/cpuinfo.
    var cpu: String
    /// Online logical CPUs.
    var cores: Int
    /// CPU flags that decide OpenVINO's precision (avx2, avx512f, avx512_bf16, amx_bf16), when present.
    var cpuFlags: [String]
    var memoryBytes: Int64
    var kernel: String
    /// The daemon's OpenVINO version (or this process's, for daemon-less runs).
    var openvino: String
    /// The daemon's engine settings (threads 0 = all cores).
    var threads: Int?
    var precision: String?
    var inferdVersion: String?
    /// ISO 8601, UTC.
    var date: String
    /// `/proc/loadavg`'s 1-, 5- and 15-minute averages when the run started: other work on the host
    /// makes every figure noisier (on 2 cores a load above 2 means the benchmark shared them).
    var loadAverage: [Double]

    enum CodingKeys: String, CodingKey {
        case cpu, cores, kernel, openvino, threads, precision, date
        case cpuFlags = "cpu_flags"
        case memoryBytes = "memory_bytes"
        case inferdVersion = "inferd_version"
        case loadAverage = "load_average"
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cpu, forKey: .cpu)
        try c.encode(cores, forKey: .cores)
        try c.encode(cpuFlags, forKey: .cpuFlags)
        try c.encode(memoryBytes, forKey: .memoryBytes)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(openvino, forKey: .openvino)
        try c.encode(threads, forKey: .threads)
        try c.encode(precision, forKey: .precision)
        try c.encode(inferdVersion, forKey: .inferdVersion)
        try c.encode(date, forKey: .date)
        try c.encode(loadAverage, forKey: .loadAverage)
    }

    /// This host, with the daemon's status when there is one.
    static func current(status: StatusResponse?) -> HostInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            cpuinfo.split(separator: "\n").first { $0.hasPrefix(name) }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let interesting = ["avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8"].filter(flags.contains)
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let formatter = ISO8601DateFormatter()
        return HostInfo(cpu: field("model name") ?? "unknown", cores: ProcessInfo.processInfo.activeProcessorCount,
                        cpuFlags: interesting, memoryBytes: Int64(ProcessInfo.processInfo.physicalMemory), kernel: kernel,
                        openvino: status?.openvinoVersion ?? Engine.version, threads: status?.engine.threads,
                        precision: status?.engine.precision.rawValue, inferdVersion: status?.version,
                        date: formatter.string(from: Date()),
                        loadAverage: ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
                            .split(separator: " ").prefix(3).compactMap { Double($0) })
    }
}
