import ArgumentParser
import Foundation
import InferdClient
import InferdWire

/// `inferctl models [list|add]`: the daemon's models (the default), or add a model file as a bundle.
struct ModelsGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the daemon's models (default), or add a model file as a bundle (models add).",
        subcommands: [ModelsCommand.self, ModelsAddCommand.self],
        defaultSubcommand: ModelsCommand.self
    )
}

/// `inferctl models [list]`: every model the daemon knows, like `ollama ps`.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the daemon's models: state, class, size, last use, keep-alive, requests.",
        discussion: """
        Columns: NAME; STATE (cold, loading, warm, evicting, failed); CLASS, the eviction priority class \
        (pinned, foreground, recent, cached; victims come from cached first); SIZE, the measured resident \
        cost while warm, or an estimate marked ~ (from the file size) otherwise; LAST USED; UNTIL, when a \
        keep-alive will unload it ("forever" when pinned, "-" when no keep-alive applies); REQUESTS and \
        COLD STARTS since the daemon started; for a warm model PRECISION (what inference runs in), HINT \
        (OpenVINO's performance hint it was compiled with: latency or throughput) and \
        INFER, its infer requests as busy/capacity with the most that ran at once (peak) and the callers \
        refused because its queue was full, and "+companion" with what it is charged while a throughput \
        companion (the model compiled again with the throughput hint, for overlapping requests) serves; WEIGHTS, "real" or "synthetic" (random weights: a bundle for \
        load and memory studies whose labels mean nothing). A failed model's reason follows the table, and \
        so does what precision auto measured, when it chose.

        --json prints the daemon's model list as it sent it (GET /v1/models).
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = connection.client()
        if output.json {
            output.printRawJSON(try await client.send("GET", "/v1/models").body)
            return
        }
        let list = try await client.models()
        print(Self.render(list, now: Date().timeIntervalSince1970))
    }

    /// The table, and a line per failed model with its reason.
    static func render(_ list: ModelList, now: Double) -> String {
        var table = TextTable(headers: ["NAME", "STATE", "CLASS", "SIZE", "LAST USED", "UNTIL", "REQUESTS", "COLD STARTS",
                                        "PRECISION", "HINT", "INFER", "WEIGHTS"],
                              alignments: [.left, .left, .left, .right, .left, .left, .right, .right, .left, .left, .left, .left])
        for model in list.models {
            let size = (model.bytesEstimated ? "~" : "") + HumanFormat.bytes(model.bytes)
            let until: String
            if model.pinned {
                until = "forever"
            } else if let expiresAt = model.expiresAt {
                until = HumanFormat.until(expiresAt, now: now)
            } else {
                until = "-"
            }
            table.append([model.name, model.state.rawValue, model.priorityClass?.rawValue ?? "-", size,
                          HumanFormat.ago(model.lastUsed, now: now), until, "\(model.requests)", "\(model.coldStarts)",
                          model.precision ?? "-", model.performanceHint ?? "-", model.inference.map { Self.infer($0, companionBytes: model.companionBytes) } ?? "-",
                          model.syntheticWeights ? "synthetic" : "real"])
        }
        var text = list.models.isEmpty ? "no models (is the daemon's models directory empty?)" : table.render()
        for model in list.models where model.state == .failed {
            text += "\n\(model.name) failed: \(model.failure ?? "no reason given")"
        }
        for model in list.models {
            if let choice = model.precisionChoice { text += "\n\(model.name) precision auto: \(choice)" }
        }
        return text
    }

    /// `busy/capacity peak N`, `refused N` when any were refused, `+companion` while a throughput companion serves.
    static func infer(_ queue: InferenceQueueStatus, companionBytes: Int64? = nil) -> String {
        "\(queue.inFlight)/\(queue.capacity) peak \(queue.peakInFlight)" + (queue.rejected > 0 ? " refused \(queue.rejected)" : "")
            + (queue.companion == "ready" ? " +companion" + (companionBytes.map { " " + HumanFormat.bytes($0) } ?? "") : "")
    }
}
