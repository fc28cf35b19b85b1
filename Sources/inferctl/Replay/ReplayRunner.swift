import Core
import Foundation
import InferdClient
import InferdStudy
import Synchronization

/// Sends a trace's requests to the daemon on schedule (time / speed), at most `concurrency` at once,
/// while sampling the daemon's memory; then reads the daemon's counters to attribute evictions.
struct ReplayRunner {
    let client: InferdClient
    let trace: Trace
    let speed: Double
    let concurrency: Int
    let defaultImage: [UInt8]
    let images: [String: [UInt8]]
    let sampleInterval: Double
    let progress: ProgressLine?

    private struct Outcome: Sendable {
        var cold: Bool?
        var latency: Double
        var lateness: Double
        var error: String?
    }

    func run(traceName: String) async throws -> ReplayResult {
        let before = try await client.status()
        let samples = Mutex<[ReplayResult.MemorySample]>([])
        let watch = Stopwatch()
        let sampler = Task {
            while !Task.isCancelled {
                if let status = try? await client.status() {
                    let sample = ReplayResult.MemorySample(time: watch.elapsedMilliseconds / 1000, usedBytes: status.usedBytes,
                                                           residentBytes: status.residentBytes, warmModels: status.modelsWarm)
                    samples.withLock { $0.append(sample) }
                }
                try? await Task.sleep(for: .milliseconds(Int(sampleInterval * 1000)))
            }
        }
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(trace.events.count)
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var running = 0
            for event in trace.events {
                let due = event.time / speed * 1000
                let wait = due - watch.elapsedMilliseconds
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait.rounded(.up)))) }
                while running >= concurrency, let outcome = try await group.next() {
                    running -= 1
                    outcomes.append(outcome)
                    progress?.update(done: outcomes.count, total: trace.events.count)
                }
                let image = event.image.flatMap { images[$0] } ?? defaultImage
                let lateness = max(0, watch.elapsedMilliseconds - due)
                running += 1
                group.addTask { [client] in
                    let start = Stopwatch()
                    do {
                        let result = try await client.classify(model: event.model, image: image, top: 1)
                        return Outcome(cold: result.response.cold, latency: result.client.endToEnd, lateness: lateness)
                    } catch {
                        return Outcome(cold: nil, latency: start.elapsedMilliseconds, lateness: lateness, error: error.message)
                    }
                }
            }
            for try await outcome in group {
                outcomes.append(outcome)
                progress?.update(done: outcomes.count, total: trace.events.count)
            }
        }
        sampler.cancel()
        _ = await sampler.result
        progress?.finish()
        let after = try await client.status()
        let memory = samples.withLock { $0 }
        let answered = outcomes.filter { $0.cold != nil }
        let hits = answered.filter { $0.cold == false }.count
        var errorMessages: [String: Int] = [:]
        for outcome in outcomes {
            guard let message = outcome.error else { continue }
            if errorMessages[message] != nil || errorMessages.count < 20 { errorMessages[message, default: 0] += 1 }
        }
        var evictions: [String: Int] = [:]
        for (reason, count) in after.counters.evictions {
            let delta = count - (before.counters.evictions[reason] ?? 0)
            if delta > 0 { evictions[reason] = delta }
        }
        return ReplayResult(
            trace: traceName, speed: speed, concurrency: concurrency, requests: trace.events.count,
            completed: answered.count, errors: outcomes.count - answered.count, errorMessages: errorMessages,
            hits: hits, coldStarts: answered.count - hits,
            hitRatio: answered.isEmpty ? 0 : Double(hits) / Double(answered.count), evictions: evictions,
            loads: after.counters.loads - before.counters.loads, latency: LatencySummary(answered.map(\.latency)),
            lateness: LatencySummary(outcomes.map(\.lateness)), elapsedSeconds: watch.elapsedMilliseconds / 1000,
            maxUsedBytes: memory.map(\.usedBytes).max() ?? after.usedBytes, memory: memory)
    }
}

private extension Error {
    var message: String { (self as? ClientError)?.message ?? "\(self)" }
}
