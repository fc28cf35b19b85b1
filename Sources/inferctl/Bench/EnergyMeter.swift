import Foundation

/// Package energy from Intel RAPL (`/sys/class/powercap/intel-rapl:N/energy_uj`), summed over the
/// top-level domains (one per CPU package). Unavailable in most virtual machines and to unprivileged
/// users on recent kernels; then every reading is nil and reports say "n/a".
struct EnergyMeter: Sendable {
    /// The readable domain counters and their wrap-around range, microjoules.
    let domains: [(path: String, range: Double)]
    /// Why energy is not available, when it is not.
    let unavailableReason: String?

    /// Finds the readable RAPL package domains.
    init(root: String = "/sys/class/powercap") {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        // Top-level package domains are intel-rapl:N (sub-domains are intel-rapl:N:M).
        let packages = names.filter { $0.hasPrefix("intel-rapl:") && $0.split(separator: ":").count == 2 }.sorted()
        var found: [(String, Double)] = []
        for name in packages {
            let path = "\(root)/\(name)/energy_uj"
            guard Self.readNumber(path) != nil else { continue }
            found.append((path, Self.readNumber("\(root)/\(name)/max_energy_range_uj") ?? Double(UInt64.max)))
        }
        domains = found
        if !found.isEmpty {
            unavailableReason = nil
        } else if !FileManager.default.fileExists(atPath: root) {
            unavailableReason = "no \(root) on this host (a virtual machine, or no RAPL driver)"
        } else if packages.isEmpty {
            unavailableReason = "no intel-rapl domains under \(root)"
        } else {
            unavailableReason = "RAPL counters are not readable (root only on this kernel)"
        }
    }

    /// The counters now, microjoules, or nil when unavailable.
    func read() -> [Double]? {
        guard !domains.isEmpty else { return nil }
        let values = domains.compactMap { Self.readNumber($0.path) }
        return values.count == domains.count ? values : nil
    }

    /// Joules between two readings, allowing for one wrap-around per domain.
    func joules(from start: [Double]?, to end: [Double]?) -> Double? {
        guard let start, let end, start.count == end.count, start.count == domains.count else { return nil }
        var total = 0.0
        for index in start.indices {
            var delta = end[index] - start[index]
            if delta < 0 { delta += domains[index].range }
            total += delta
        }
        return total / 1e6
    }

    private static func readNumber(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
