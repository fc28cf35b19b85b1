import ArgumentParser
import Core
import Foundation
import InferdClient
import InferdWire

/// `inferctl bench`: the paper's study on this host — models × image groups × modes, cold versus warm,
/// with the paper's columns, resources, the resize rule, and plots.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure cold versus warm classification per model and image size (the paper's study).",
        discussion: """
        Runs every model × image group × mode × resize choice ("cell") --repeat times over the group's \
        images and reports the paper's columns in milliseconds — load model, rescale bitmap (client \
        downscale + decode + preprocess), upload (transfer), compute probability, startup (process \
        start, where one is paid), total — as mean and p50/p95/p99 (HdrHistogram), plus the serving \
        process's CPU %, peak RSS, page faults (the Linux counterpart of the paper's GC counts) and \
        RAPL energy ("n/a" where the host does not expose it).

        MODES
          cold               unload the model through the API before each request
          warm               load and warm up (--warmup passes), then steady state
          in-process         each request a fresh `inferctl classify --in-process` process, no daemon
          daemon-cold-start  a fresh inferd (next to inferctl) per request: process start to answer
          cloud              the image goes to the remote server given by --cloud (another inferd
                             over TCP, warm there): the paper's cloud-based inference, with the
                             network as the upload column

        cold and warm need the running daemon (--socket); the other two start their own processes \
        with the same models directory, threads and precision (the running daemon's, unless \
        --threads/--precision say otherwise).

        --resize both runs each cell with client- and server-side downscaling and evaluates the \
        paper's rule T_d(x1,x2) + T_n(x2) <= T_n(x1) per image size: when downscaling first pays off.

        --raw-runtime measures OpenVINO itself in this process, no daemon, no IPC: read, compile (with \
        and without the compiled-model cache), compute on a decoded image, and decode with DCT \
        scaling against a full decode (benchmarks/compare.sh compares it with the daemon).

        OUTPUT
          a table (default), --json (every field, stable keys) or --csv; --report DIR writes \
          DIR/index.html (self-contained, inline SVG charts) and DIR/bench.json; --profile-out FILE \
          writes the simulator's per-model costs (bytes, load_ms, compute_ms) for `inferctl simulate`; \
          --paper FILE (benchmarks/paper/reference.json) draws the paper's Table III, Fig. 4, Fig. 5 and \
          Table IV figures beside this host's in the report, with the ratios between them.
        Charts show medians with min-max whiskers and n; the device-cost column is CPU-seconds per \
        request (RAPL energy beside it where the host has it).
        A progress bar is drawn on standard error when it is a terminal.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Models, comma-separated (default: every model).", valueName: "names"))
    var models: String?

    @Option(name: .long, help: ArgumentHelp("Image groups under --groups-dir, comma-separated.", valueName: "HxW,…"))
    var groups = "2160x3840,1080x1920,540x960"

    @Option(name: .customLong("groups-dir"), help: ArgumentHelp("Where the image groups are (default ./samples/groups, else the installed samples).", valueName: "dir"))
    var groupsDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Images to use instead of the groups, comma-separated (one group, \"custom\").", valueName: "files"))
    var images: String?

    @Option(name: .long, help: ArgumentHelp("Modes, comma-separated: cold, warm, in-process, daemon-cold-start, cloud.", valueName: "modes"))
    var modes = "cold,warm,in-process,daemon-cold-start"

    @Option(name: .long, help: ArgumentHelp("The remote server of cloud cells: http://HOST:PORT of an inferd started with --listen (adds the cloud mode when --modes does not name it).", valueName: "url"))
    var cloud: String?

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Passes over each group's images per cell (1...10000).", valueName: "n"))
    var repetitions = 5

    @Option(name: .long, help: ArgumentHelp("Unrecorded passes before a warm cell (0...1000).", valueName: "n"))
    var warmup = 2

    @Option(name: .long, help: ArgumentHelp("Who downscales: client, server, or both side by side.", valueName: "client|server|both"))
    var resize: BenchResize = .server

    @Option(name: .long, help: ArgumentHelp("Classes per answer (1...1000).", valueName: "k"))
    var top = 5

    // Here --models names the models to measure, so the bundles' folder keeps the name --models-dir.
    @Option(name: .customLong("models-dir"), help: ArgumentHelp("Model bundles, for in-process cells (default $INFERD_MODELS, else ./models, else the installed /var/lib/inferd/models).", valueName: "dir"))
    var modelsDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Threads for in-process, fresh daemons and --raw-runtime (default: the daemon's, else 0 = all cores).", valueName: "n"))
    var threads: Int?

    @Option(name: .long, help: ArgumentHelp("Precision for in-process, fresh daemons and --raw-runtime (default: the daemon's, else auto).", valueName: "p"))
    var precision: EngineOptions.Precision?

    @Flag(name: .long, help: "Print comma-separated values, one row per cell.")
    var csv = false

    @Option(name: .long, help: ArgumentHelp("Write an HTML report with SVG charts (and bench.json) into this directory.", valueName: "dir"))
    var report: String?

    @Option(name: .customLong("profile-out"), help: ArgumentHelp("Write the simulator profile (ModelProfile JSON) to this file.", valueName: "file"))
    var profileOut: String?

    @Option(name: .long, help: ArgumentHelp("The paper's figures (benchmarks/paper/reference.json) to draw beside this host's in --report.", valueName: "file"))
    var paper: String?

    @Option(name: .long, help: ArgumentHelp("Measure nothing: print (and --report) the results saved in this bench JSON.", valueName: "file"))
    var from: String?

    @Flag(name: .customLong("raw-runtime"), help: "Measure OpenVINO in this process (read, compile, cache, compute, decode), no daemon.")
    var rawRuntime = false

    /// The modes asked for, in the order given (cloud added last when --cloud is given and --modes
    /// does not name it).
    var parsedModes: [BenchMode] {
        get throws {
            var parsed = try Self.list(modes).map { name in
                guard let mode = BenchMode(rawValue: name) else {
                    throw ValidationError("unknown mode \"\(name)\"; modes: \(BenchMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return mode
            }
            if cloud != nil, !parsed.contains(.cloud) { parsed.append(.cloud) }
            return parsed
        }
    }

    func validate() throws {
        guard (1...10_000).contains(repetitions) else { throw ValidationError("--repeat must be 1...10000, not \(repetitions)") }
        guard (0...1000).contains(warmup) else { throw ValidationError("--warmup must be 0...1000, not \(warmup)") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1...1000, not \(top)") }
        if output.json && csv { throw ValidationError("--json and --csv are exclusive") }
        if let threads, threads < 0 { throw ValidationError("--threads must be 0 (all cores) or more, not \(threads)") }
        guard !(try parsedModes).isEmpty else { throw ValidationError("--modes needs at least one mode") }
        if try parsedModes.contains(.cloud) {
            guard let cloud else { throw ValidationError("the cloud mode needs --cloud http://HOST:PORT (an inferd started with --listen)") }
            do {
                _ = try Endpoint(parsing: cloud)
            } catch {
                throw ValidationError("--cloud: \(error.message)")
            }
        }
        for name in Self.list(models ?? "") { try ModelName.validate(name) }
        if paper != nil, report == nil { throw ValidationError("--paper draws the paper beside this host in the report: it needs --report DIR") }
        if let paper {
            do {
                _ = try PaperReference.load(paper)
            } catch let error as BenchError {
                throw ValidationError(error.description)
            }
        }
        if let images {
            let files = Self.list(images)
            guard !files.isEmpty else { throw ValidationError("--images needs at least one file") }
            for file in files where !FileManager.default.isReadableFile(atPath: file) {
                throw ValidationError("cannot read image \(file)")
            }
        }
    }

    func run() async throws {
        if let from {
            guard let data = FileManager.default.contents(atPath: from) else { throw ValidationError("cannot read \(from)") }
            try write(try JSONDecoder().decode(BenchResult.self, from: data))
            return
        }
        let modelsDirectory = ModelDirectory.resolve(self.modelsDirectory)
        let modes = try parsedModes
        let client = connection.client()
        let needsDaemon = !rawRuntime && modes.contains(where: \.usesRunningDaemon)
        // The daemon's status gives its pid and engine settings; without cold/warm cells it is optional.
        let status: StatusResponse? = needsDaemon ? try await client.status() : try? await connection.client(timeout: .seconds(5)).status()

        let names: [String]
        if let models {
            names = Self.list(models)
        } else if needsDaemon {
            names = try await client.models().models.map(\.name)
        } else {
            names = try ModelCatalog.scan(modelsDirectory).names
        }
        guard !names.isEmpty else { throw ValidationError("no models to measure; pass --models") }

        let imageGroups: [BenchImageGroup]
        do {
            imageGroups = try images.map { [BenchImageGroup(name: "custom", paths: Self.list($0))] }
                ?? BenchImageGroup.named(Self.list(groups), in: groupsDirectory ?? DataPaths.samples() + "/groups")
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
        let settings = BenchSettings(models: names, groups: imageGroups, modes: modes, resizes: resize.modes,
                                     repetitions: repetitions, warmup: warmup, top: top, modelsDirectory: modelsDirectory,
                                     threads: threads ?? status?.engine.threads ?? 0,
                                     precision: precision ?? status?.engine.precision ?? .auto,
                                     timeout: .milliseconds(Int64(connection.timeout * 1000)))
        if rawRuntime {
            try await RawRuntimeBench(settings: settings).run(json: output.json)
            return
        }

        var cloudClient: InferdClient?
        var cloudPID: Int32?
        if let cloud, modes.contains(.cloud) {
            let endpoint = try Endpoint(parsing: cloud)
            let remote = InferdClient(endpoint: endpoint, timeout: .milliseconds(Int64(connection.timeout * 1000)))
            let remoteStatus = try await remote.status()
            cloudClient = remote
            // Its resources can be read only when it runs here.
            if Self.isOnThisHost(endpoint) { cloudPID = remoteStatus.pid }
        }
        let progress = ProgressBar(total: settings.totalSamples)
        let runner = BenchRunner(settings: settings, client: needsDaemon ? client : nil, daemonPID: status?.pid,
                                 cloud: cloudClient, cloudPID: cloudPID, progress: progress)
        let cells: [BenchCell]
        do {
            cells = try await runner.run()
        } catch {
            progress.finish()
            throw error
        }
        let rules = ResizeRule.evaluate(cells, mode: modes.contains(.warm) ? .warm : .cold) + ResizeRule.evaluate(cells, mode: .cloud)
        let result = BenchResult(host: HostInfo.current(status: status),
                                 settings: .init(models: names, groups: imageGroups.map(\.name), modes: modes.map(\.rawValue),
                                                 resize: resize.modes.map(\.rawValue), repetitions: repetitions, warmup: warmup,
                                                 top: top, threads: settings.threads, precision: settings.precision.rawValue),
                                 cells: cells, resizeRule: rules, resizeVerdicts: ResizeRule.verdicts(rules),
                                 modelBytes: runner.measuredBytes)
        try write(result)
        if let profileOut {
            var fallback: [String: Int64] = [:]
            if let list = try? await client.models() {
                for model in list.models { fallback[model.name] = model.bytes }
            }
            for name in names where fallback[name] == nil {
                fallback[name] = (try? ModelCatalog.scan(modelsDirectory))?[name]?.fileBytes
            }
            let profile = result.profile(measuredBytes: runner.measuredBytes, fallbackBytes: fallback)
            try Self.encode(profile).write(to: URL(fileURLWithPath: profileOut))
            if !output.json && !csv { print("profile: \(profileOut)") }
        }
    }

    /// Prints `result` as asked (table, JSON or CSV) and writes the report when asked.
    func write(_ result: BenchResult) throws {
        if output.json {
            try output.printJSON(result)
        } else if csv {
            print(BenchCSV.render(result), terminator: "")
        } else {
            print(BenchTable.render(result), terminator: "")
        }
        if let report {
            try FileManager.default.createDirectory(atPath: report, withIntermediateDirectories: true)
            let reference = try paper.map(PaperReference.load)
            try BenchReport.html(result, paper: reference).write(toFile: report + "/index.html", atomically: true, encoding: .utf8)
            try Self.encode(result).write(to: URL(fileURLWithPath: report + "/bench.json"))
            if !output.json && !csv { print("report: \(report)/index.html") }
        }
    }

    /// True for a Unix socket or a loopback TCP address: a process id from its status is ours to read.
    static func isOnThisHost(_ endpoint: Endpoint) -> Bool {
        switch endpoint {
        case .unix: true
        case .tcp(let host, _): NetworkNames.isLoopback(host: host)
        }
    }

    /// Comma-separated items, trimmed, empty ones dropped.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(value)
    }
}
