import ArgumentParser
import Core
import Foundation
import InferdStudy

/// `inferctl simulate`: replay a trace offline against the daemon's own lifecycle rules.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate eviction and pre-warm policies on a trace, across memory budgets, offline.",
        discussion: """
        Runs the daemon's own lifecycle rules (priority classes, pins, keep-alive, churn guard, budget) \
        and policy code on a virtual clock. Per-model costs (resident bytes, load ms, compute ms) come \
        from --profile (written by `inferctl bench --profile-out`) or --cost NAME=BYTES,LOAD_MS,COMPUTE_MS.

        Policies: lru, lfu, gdsf, manual, ttl (300 s keep-alive), ttl:SECONDS, prewarm (idle-gap \
        histograms, Shahrad et al. ATC'20) and oracle (Belady's farthest-next-use: optimal for models of \
        equal size only; a reference line otherwise).

        Budgets: --budgets 64M,128M,256M, or by default eight steps from the largest model to the sum \
        of all models.
        """
    )

    @Argument(help: "The trace (.csv or .jsonl).")
    var trace: String

    @Option(help: ArgumentHelp("Model profile JSON from `inferctl bench --profile-out`.", valueName: "path"))
    var profile: String?

    @Option(name: .customLong("cost"), help: ArgumentHelp("Costs of one model, NAME=BYTES,LOAD_MS,COMPUTE_MS (repeatable; BYTES takes K/M/G).", valueName: "spec"))
    var costs: [String] = []

    @Option(help: ArgumentHelp("Policies to compare (comma-separated).", valueName: "list"))
    var policies = "lru,lfu,gdsf,ttl:60,ttl:300,prewarm,oracle"

    @Option(help: ArgumentHelp("Budgets to sweep (comma-separated sizes).", valueName: "list"))
    var budgets: String?

    @Option(help: ArgumentHelp("Seconds a model counts as recently used.", valueName: "seconds"))
    var recentWindow: Double = 60

    @Option(help: ArgumentHelp("Churn guard: seconds a model stays before it may be evicted for the budget.", valueName: "seconds"))
    var minResidency: Double = 5

    @Option(help: ArgumentHelp("Pinned models (comma-separated).", valueName: "names"))
    var pinned: String = ""

    @Option(help: ArgumentHelp("Write an HTML report with hit-ratio-versus-budget curves to this directory.", valueName: "dir"))
    var report: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard profile != nil || !costs.isEmpty else {
            throw ValidationError("give --profile FILE or at least one --cost NAME=BYTES,LOAD_MS,COMPUTE_MS")
        }
        _ = try policyList()
        _ = try explicitBudgets()
        _ = try costProfile()
        guard recentWindow >= 0, minResidency >= 0 else { throw ValidationError("--recent-window and --min-residency must be >= 0") }
    }

    func policyList() throws -> [SimulatedPolicy] {
        do {
            return try policies.split(separator: ",").map { try SimulatedPolicy.parse(String($0)) }
        } catch let error as TraceError {
            throw ValidationError(error.message)
        }
    }

    func explicitBudgets() throws -> [Int64]? {
        guard let budgets else { return nil }
        return try budgets.split(separator: ",").map { text in
            do {
                return try MemoryBudget.parse(String(text), limit: (0, "")).bytes
            } catch let error as ConfigurationError {
                throw ValidationError("--budgets: \(error.message)")
            }
        }
    }

    func costProfile() throws -> ModelProfile {
        var models: [String: ModelProfile.Costs] = [:]
        if let profile {
            models = try ModelProfile.load(profile).models
        }
        for spec in costs {
            let parts = spec.split(separator: "=", maxSplits: 1)
            let numbers = parts.count == 2 ? parts[1].split(separator: ",").map(String.init) : []
            guard numbers.count == 3, let bytes = try? MemoryBudget.parse(numbers[0], limit: (0, "")).bytes,
                  let load = Double(numbers[1]), let compute = Double(numbers[2]), load >= 0, compute >= 0 else {
                throw ValidationError("--cost must be NAME=BYTES,LOAD_MS,COMPUTE_MS, not \(spec)")
            }
            models[String(parts[0])] = ModelProfile.Costs(bytes: bytes, loadMilliseconds: load, computeMilliseconds: compute)
        }
        return ModelProfile(models: models)
    }

    func run() throws {
        let trace = try Trace.load(self.trace)
        let profile = try costProfile()
        for model in trace.models { _ = try profile.costs(model) }
        let sizes = trace.models.map { profile.models[$0]!.bytes }
        let sweep = try explicitBudgets() ?? Self.defaultBudgets(sizes)
        let policies = try policyList()
        let watch = Stopwatch()
        var results: [SimulationResult] = []
        for budget in sweep {
            var configuration = LifecycleConfiguration(
                budget: MemoryBudget(bytes: budget, source: "simulated"), recentWindow: recentWindow,
                minimumResidency: minResidency, pinned: pinned.split(separator: ",").map(String.init))
            configuration.defaultKeepAlive = nil
            let simulator = Simulator(profile: profile, configuration: configuration)
            for policy in policies {
                results.append(try simulator.run(trace, policy: policy))
            }
        }
        let seconds = watch.elapsedMilliseconds / 1000
        let summary = SimulationSummary(trace: self.trace, requests: trace.events.count, models: trace.models,
                                        budgets: sweep, policies: policies.map(\.description),
                                        elapsedSeconds: seconds, results: results)
        if let report {
            try SimulationReport.write(summary, to: report)
        }
        if output.json {
            try output.printJSON(summary)
            return
        }
        print(SimulationPrinter.render(summary))
        if let report { print("report: \(report)/index.html") }
    }

    /// Eight budgets from the largest model (everything else must go for it) to all models at once.
    static func defaultBudgets(_ sizes: [Int64]) -> [Int64] {
        guard let largest = sizes.max() else { return [] }
        let total = sizes.reduce(0, +)
        guard total > largest else { return [largest] }
        return (0..<8).map { largest + (total - largest) * Int64($0) / 7 }
    }
}

/// Everything `inferctl simulate --json` prints.
struct SimulationSummary: Codable {
    var trace: String
    var requests: Int
    var models: [String]
    var budgets: [Int64]
    var policies: [String]
    /// Wall time of all the simulations, seconds.
    var elapsedSeconds: Double
    var results: [SimulationResult]

    enum CodingKeys: String, CodingKey {
        case trace, requests, models, budgets, policies, results
        case elapsedSeconds = "elapsed_s"
    }
}

/// The text tables of `inferctl simulate`: one per budget.
enum SimulationPrinter {
    static func render(_ summary: SimulationSummary) -> String {
        var text = "\(summary.requests) requests, \(summary.models.count) models, \(summary.policies.count) policies x \(summary.budgets.count) budgets simulated in \(String(format: "%.2f", summary.elapsedSeconds)) s\n"
        for budget in summary.budgets {
            text += "\nbudget \(HumanFormat.bytes(budget))\n"
            var table = TextTable(headers: ["POLICY", "HIT RATIO", "COLD STARTS", "LOAD PAID", "MEAN", "P99", "MEMORY HELD", "REFUSED"],
                                  alignments: [.left, .right, .right, .right, .right, .right, .right, .right])
            for result in summary.results where result.budgetBytes == budget {
                table.append([result.policy, String(format: "%.3f", result.hitRatio), "\(result.coldStarts)",
                              String(format: "%.1f s", (result.loadMillisecondsPaid + result.backgroundLoadMilliseconds) / 1000),
                              String(format: "%.1f ms", result.meanLatencyMilliseconds),
                              String(format: "%.1f ms", result.p99LatencyMilliseconds),
                              String(format: "%.2f GiB·s", result.byteSeconds / 1_073_741_824), "\(result.refused)"])
            }
            text += table.render() + "\n"
        }
        return text
    }
}
