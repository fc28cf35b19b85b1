import ArgumentParser
import Core
import Foundation
import InferdStudy
import Synchronization

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
        of all models. Sizes are binary: 1M = 1 MiB = 1,048,576 bytes, in input and in the tables.

        Counts, with the words `inferctl replay` uses: loads (models loaded for requests), cold answers \
        (answers that waited on a load, their own or another request's), warm answers. --speed and \
        --concurrency play the trace as `inferctl replay` sends it; answers compute on \
        --compute-servers at once. The JSON and the report record every input (costs, rules, pins, \
        options, the trace file's FNV-1a checksum and header), per-model counts, the byte miss ratio, and the LRU \
        hit-ratio curve and an upper bound for any policy over every budget (computed in one pass).
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

    @Option(help: ArgumentHelp("Churn guard: seconds a new model goes last among budget victims (0 = off).", valueName: "seconds"))
    var minResidency: Double = 0

    @Option(help: ArgumentHelp("Pinned models (comma-separated).", valueName: "names"))
    var pinned: String = ""

    @Option(help: "Time compression, as `replay --speed`: requests are due at trace time / speed.")
    var speed: Double = 1

    @Option(help: "Requests in flight at most, as `replay --concurrency`; loads and answers then take their time (0 = the classic cache model: each request served at its time).")
    var concurrency: Int = 0

    @Option(help: "Answers computing at once (a c-server queue).")
    var computeServers: Int = 1

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
        guard speed > 0, speed <= 10_000 else { throw ValidationError("--speed must be in (0, 10000]") }
        guard concurrency >= 0, computeServers >= 1 else { throw ValidationError("--concurrency must be >= 0 and --compute-servers >= 1") }
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
            guard bytes > 0 else { throw ValidationError("--cost \(spec): a model's size must be at least 1 byte") }
            models[String(parts[0])] = ModelProfile.Costs(bytes: bytes, loadMilliseconds: load, computeMilliseconds: compute)
        }
        return ModelProfile(models: models)
    }

    func run() throws {
        let watch = Stopwatch()
        let data = try TraceFile.read(self.trace)
        // Columns (times, model ids), read once and shared by every run.
        let jsonLines = self.trace.hasSuffix(".jsonl") || self.trace.hasSuffix(".json")
        let trace = jsonLines ? CompactTrace(try Trace.parse(data, jsonLines: true)) : try CompactTrace.parseCSV(data)
        let profile = try costProfile()
        for model in trace.names { _ = try profile.costs(model) }
        for (name, costs) in profile.models where costs.bytes <= 0 {
            throw ValidationError("the profile gives \(name) a size of \(costs.bytes) B; a model's size must be at least 1 byte")
        }
        let sizes = trace.names.map { profile.models[$0]!.bytes }
        let sweep = try explicitBudgets() ?? Self.defaultBudgets(sizes)
        let policies = try policyList()
        let pins = pinned.split(separator: ",").map(String.init)
        let options = SimulationOptions(speed: speed, concurrency: concurrency, computeServers: computeServers)
        let jobs = sweep.flatMap { budget in policies.map { (budget, $0) } }
        let slots = Mutex<[SimulationResult?]>(Array(repeating: nil, count: jobs.count))
        let failure = Mutex<(any Error)?>(nil)
        let curves = Mutex<MissRatioCurves?>(nil)
        // Budgets x policies, and the one-pass curves, run in parallel on the cores (one thread per
        // core): each run is independent and reads the same columns.
        DispatchQueue.concurrentPerform(iterations: jobs.count + 1) { index in
            guard index < jobs.count else {
                let computed = MissRatioCurves(trace: trace, sizes: profile.models.mapValues(\.bytes))
                curves.withLock { $0 = computed }
                return
            }
            var configuration = LifecycleConfiguration(
                budget: MemoryBudget(bytes: jobs[index].0, source: "simulated"), recentWindow: recentWindow,
                minimumResidency: minResidency, pinned: pins)
            configuration.defaultKeepAlive = nil
            do {
                let result = try Simulator(profile: profile, configuration: configuration, options: options).run(trace, policy: jobs[index].1)
                slots.withLock { $0[index] = result }
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let curve = curves.withLock { $0 }!
        let requests = Double(max(1, trace.count))
        let summary = SimulationSummary(
            trace: self.trace, requests: trace.count, models: trace.names, budgets: sweep, policies: policies.map(\.description),
            elapsedSeconds: watch.elapsedMilliseconds / 1000, results: slots.withLock { $0.compactMap { $0 } },
            inputs: SimulationInputs(
                version: Inferctl.configuration.version, traceChecksum: TraceFile.checksum(data), traceHeader: trace.comments,
                costs: profile.models.filter { trace.names.contains($0.key) }, recentWindow: recentWindow, minResidency: minResidency,
                roomWaitTimeout: LifecycleConfiguration(budget: MemoryBudget(bytes: 1, source: "")).roomWaitTimeout,
                pinned: pins, options: options),
            curves: sweep.map { budget in
                SimulationSummary.CurvePoint(budgetBytes: budget, lruHitRatio: Double(curve.lruHits(budget: budget)) / requests,
                                             hitRatioBound: Double(curve.hitBound(budget: budget)) / requests)
            })
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
    /// One budget of the one-pass curves.
    struct CurvePoint: Codable {
        var budgetBytes: Int64
        /// Plain LRU's hit ratio (byte stack distances; no rules, answers taking no time).
        var lruHitRatio: Double
        /// No policy can do better (PFOO-L bound for mixed sizes).
        var hitRatioBound: Double

        enum CodingKeys: String, CodingKey {
            case budgetBytes = "budget_bytes"
            case lruHitRatio = "lru_hit_ratio"
            case hitRatioBound = "hit_ratio_bound"
        }
    }

    var trace: String
    var requests: Int
    var models: [String]
    var budgets: [Int64]
    var policies: [String]
    /// Wall time of reading the trace and all the simulations, seconds.
    var elapsedSeconds: Double
    var results: [SimulationResult]
    var inputs: SimulationInputs
    var curves: [CurvePoint]

    enum CodingKeys: String, CodingKey {
        case trace, requests, models, budgets, policies, results, inputs, curves
        case elapsedSeconds = "elapsed_s"
    }
}

/// Every input of a simulation, so a study can be reproduced from its output.
struct SimulationInputs: Codable {
    var version: String
    /// 64-bit FNV-1a of the trace file, hex.
    var traceChecksum: String
    /// The trace file's `#` comment lines (`trace generate` records its parameters and seed there).
    var traceHeader: [String]
    var costs: [String: ModelProfile.Costs]
    var recentWindow: Double
    var minResidency: Double
    var roomWaitTimeout: Double
    var pinned: [String]
    var options: SimulationOptions

    enum CodingKeys: String, CodingKey {
        case version, costs, pinned, options
        case traceChecksum = "trace_fnv1a64"
        case traceHeader = "trace_header"
        case recentWindow = "recent_window_s"
        case minResidency = "min_residency_s"
        case roomWaitTimeout = "room_wait_timeout_s"
    }
}

/// The text tables of `inferctl simulate`: one per budget.
enum SimulationPrinter {
    static func render(_ summary: SimulationSummary) -> String {
        var text = "\(summary.requests) requests, \(summary.models.count) models, \(summary.policies.count) policies x \(summary.budgets.count) budgets simulated in \(String(format: "%.2f", summary.elapsedSeconds)) s\n"
        for budget in summary.budgets {
            text += "\nbudget \(HumanFormat.binaryBytes(budget))"
            if let curve = summary.curves.first(where: { $0.budgetBytes == budget }) {
                text += String(format: " (plain LRU %.3f, no policy above %.3f)", curve.lruHitRatio, curve.hitRatioBound)
            }
            text += "\n"
            var table = TextTable(headers: ["POLICY", "HIT RATIO", "BYTE MISS", "LOADS", "COLD", "WARM", "LOAD PAID", "MEAN", "P99", "MEMORY HELD", "REFUSED"],
                                  alignments: [.left] + Array(repeating: .right, count: 10))
            for result in summary.results where result.budgetBytes == budget {
                table.append([result.policy, String(format: "%.3f", result.hitRatio), String(format: "%.3f", result.byteMissRatio),
                              "\(result.loads)", "\(result.coldAnswers)", "\(result.warmAnswers)",
                              String(format: "%.1f s", (result.loadMillisecondsPaid + result.backgroundLoadMilliseconds) / 1000),
                              String(format: "%.1f ms", result.meanLatencyMilliseconds),
                              String(format: "%.1f ms", result.p99LatencyMilliseconds),
                              String(format: "%.2f GiB·s", result.byteSeconds / 1_073_741_824), "\(result.refused)"])
            }
            text += table.render() + "\n"
        }
        return text
    }

    /// Per-model counts of one result.
    static func breakdown(_ result: SimulationResult) -> String {
        var table = TextTable(headers: ["MODEL", "REQUESTS", "LOADS", "HIT RATIO", "LOAD PAID"], alignments: [.left, .right, .right, .right, .right])
        for (name, model) in result.models.sorted(by: { $0.key < $1.key }) {
            table.append([name, "\(model.requests)", "\(model.loads)", String(format: "%.3f", model.hitRatio),
                          String(format: "%.1f s", model.loadSecondsPaid)])
        }
        return table.render()
    }
}
