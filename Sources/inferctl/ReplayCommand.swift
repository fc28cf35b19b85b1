import ArgumentParser
import Foundation
import InferdClient
import InferdStudy

/// `inferctl replay`: a trace against the running daemon.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a trace against the running daemon and report hit ratio, cold starts, evictions, latency and memory.",
        discussion: """
        Each request is sent at its trace time divided by --speed, with at most --concurrency in \
        flight; a request names its model and optionally an image (else --image). Memory (the daemon's \
        used and resident bytes) is sampled every --sample-interval seconds. Evictions and loads come \
        from the daemon's counters before and after, so other clients' traffic during the replay counts too.

        To compare with `inferctl simulate`, give the simulator the same trace and the daemon's \
        measured profile (`inferctl bench --profile-out`), and the daemon's budget.
        """
    )

    @Argument(help: "The trace (.csv or .jsonl).")
    var trace: String

    @Option(help: "Time compression: 10 replays ten times faster than recorded.")
    var speed: Double = 1

    @Option(help: "Requests in flight at most.")
    var concurrency: Int = 4

    @Option(help: ArgumentHelp("Image for requests that name none.", valueName: "path"))
    var image: String = "samples/coffee.jpg"

    @Option(help: ArgumentHelp("Seconds between memory samples.", valueName: "seconds"))
    var sampleInterval: Double = 0.5

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard speed > 0, speed <= 10_000 else { throw ValidationError("--speed must be in (0, 10000]") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1...256") }
        guard sampleInterval >= 0.05 else { throw ValidationError("--sample-interval must be at least 0.05 s") }
    }

    func run() async throws {
        let trace = try Trace.load(self.trace)
        guard !trace.events.isEmpty else { throw ValidationError("the trace \(self.trace) has no requests") }
        var images: [String: [UInt8]] = [:]
        for path in Set(trace.events.compactMap(\.image)) {
            images[path] = try Self.read(path)
        }
        let runner = ReplayRunner(client: connection.client(), trace: trace, speed: speed, concurrency: concurrency,
                                  defaultImage: try Self.read(image), images: images, sampleInterval: sampleInterval,
                                  progress: output.json ? nil : ProgressLine.forTerminal("replay"))
        let result = try await runner.run(traceName: self.trace)
        if output.json {
            try output.printJSON(result)
        } else {
            print(Self.render(result))
        }
        if result.errors > 0 { throw ExitCode(ExitStatus.requestFailed.rawValue) }
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read image \(path)")
        }
        return [UInt8](data)
    }

    static func render(_ result: ReplayResult) -> String {
        var lines = [
            "\(result.completed)/\(result.requests) answered in \(String(format: "%.1f", result.elapsedSeconds)) s (speed \(result.speed)x, concurrency \(result.concurrency)), \(result.errors) errors",
            "hit ratio \(String(format: "%.3f", result.hitRatio)): \(result.hits) warm, \(result.coldStarts) cold; \(result.loads) loads",
            "evictions: " + (result.evictions.isEmpty ? "none" : result.evictions.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")),
            "latency ms: mean \(fmt(result.latency.mean)), p50 \(fmt(result.latency.p50)), p95 \(fmt(result.latency.p95)), p99 \(fmt(result.latency.p99))",
            "memory: max used \(HumanFormat.bytes(result.maxUsedBytes)) over \(result.memory.count) samples",
            "sending lag ms: p99 \(fmt(result.lateness.p99))",
        ]
        for (message, count) in result.errorMessages.sorted(by: { $0.value > $1.value }) {
            lines.append("error x\(count): \(message)")
        }
        return lines.joined(separator: "\n")
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
