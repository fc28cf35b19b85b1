import ArgumentParser
import Foundation
import InferdClient
import InferdWire

/// `inferctl status`: the daemon as a whole.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the daemon: memory budget and use, policy, pressure, counters, startup time.",
        discussion: """
        Prints the daemon's version and pid, its own startup time (process start to ready), the \
        eviction policy, the memory budget (and where it came from), the bytes held by warm models, the \
        process's resident memory, the last kernel pressure level, request and eviction counters, and the \
        engine settings. --json prints the daemon's answer as it sent it (GET /v1/status).
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = connection.client()
        if output.json {
            output.printRawJSON(try await client.send("GET", "/v1/status").body)
            return
        }
        print(Self.render(try await client.status(), socket: client.socketPath))
    }

    /// The status as `label  value` lines.
    static func render(_ status: StatusResponse, socket: String) -> String {
        var lines: [(String, String)] = []
        lines.append(("daemon", "inferd \(status.version), OpenVINO \(status.openvinoVersion), pid \(status.pid), up \(HumanFormat.duration(seconds: status.uptimeSeconds))"))
        lines.append(("socket", socket + (status.socketActivated ? " (socket activated)" : "")))
        lines.append(("startup", status.startupMilliseconds.map { HumanFormat.milliseconds($0) + " ms to ready" } ?? "-"))
        lines.append(("policy", status.policy))
        lines.append(("budget", "\(HumanFormat.bytes(status.budgetBytes)) (\(status.budgetSource))"))
        let share = status.budgetBytes > 0 ? String(format: ", %.0f%% of budget", Double(status.usedBytes) * 100 / Double(status.budgetBytes)) : ""
        lines.append(("used", "\(HumanFormat.bytes(status.usedBytes)) by \(status.modelsWarm) of \(status.modelsTotal) models warm\(share)"))
        lines.append(("resident", "\(HumanFormat.bytes(status.residentBytes)) (process RSS)"))
        if let held = status.inFlightBytes, let limit = status.inFlightLimitBytes {
            lines.append(("in flight", "\(HumanFormat.bytes(held)) of \(HumanFormat.bytes(limit)) request data"))
        }
        for pool in status.pools ?? [] {
            lines.append(("pool", "\(pool.name): \(pool.running) of \(pool.threads) running, \(pool.queued) of \(pool.queueLimit) queued; "
                + "\(pool.admitted) admitted, refused \(pool.refusedQueueFull) (queue full) + \(pool.refusedDeadline) (deadline)"))
        }
        lines.append(("pressure", status.pressure))
        let c = status.counters
        lines.append(("requests", "\(c.requests) (hits \(c.hits), cold starts \(c.coldStarts), errors \(c.errors))"))
        lines.append(("loads", "\(c.loads) (failures \(c.loadFailures))"))
        let evictions = c.evictions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        lines.append(("evictions", evictions.isEmpty ? "none" : evictions.joined(separator: ", ")))
        let engine = status.engine
        lines.append(("engine", "\(engine.device), threads \(engine.threads == 0 ? "all" : String(engine.threads)), precision \(engine.precision.rawValue), hint \(engine.performanceHint.rawValue.lowercased()), cache \(engine.cacheDirectory ?? "off")"))
        if let listeners = status.listeners, listeners.count > 1 {
            lines.append(("listening", listeners.joined(separator: ", ")))
        }
        if let offload = status.offload {
            lines.append(("offload", "\(offload.mode): \(offload.local) here, \(offload.remote) remote, \(offload.fallback) fell back here"))
            for remote in offload.remotes {
                var facts = ["\(remote.requests) requests", "\(remote.failures) failed"]
                if let rtt = remote.roundTripMs { facts.append("round trip ~\(HumanFormat.milliseconds(rtt)) ms") }
                if let rate = remote.megabytesPerSecond { facts.append(String(format: "~%.1f MB/s", rate)) }
                if let wait = remote.backingOffSeconds { facts.append(String(format: "backing off %.0f s", wait)) }
                if let error = remote.lastError { facts.append("last error: \(error)") }
                let models = remote.models.isEmpty ? "" : " (\(remote.models.joined(separator: ",")))"
                lines.append(("remote", "\(remote.url)\(models): " + facts.joined(separator: ", ")))
            }
        }
        for problem in status.catalogProblems { lines.append(("catalog", problem)) }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }.joined(separator: "\n")
    }
}
