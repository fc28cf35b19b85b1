import ArgumentParser
import Core
import Foundation
import InferdRuntime
import InferdServer
import Logging
import ServiceLifecycle

/// `inferd`: the on-device inference daemon. Parses flags, resolves the configuration, binds the
/// socket and runs the service group until SIGTERM/SIGINT.
@main
struct InferdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferd",
        abstract: "On-device image classification daemon: OpenVINO models behind HTTP/1.1 on a Unix socket (and TCP), with hybrid offload to remote servers.",
        discussion: """
        Models load on first use (cold start) and stay warm for the next request,
        within a memory budget; concurrent first requests for a model share one
        load. The API follows the Open Inference Protocol (KServe v2) under /v2,
        Triton's repository extension under /v2/repository, and inferd's own
        calls under /v1 (POST /v1/models/NAME/classify with an encoded image).

        CONFIGURATION
          Settings come from the TOML file (--config, else INFERD_CONFIG, else
          /etc/inferd/inferd.toml for the system service when it exists), then
          INFERD_* environment variables, then flags; each overrides the one
          before. Durations read 300 (seconds), 90s, 5m, 1h30m, 250ms; in the
          *_ms keys a bare number is milliseconds (10000) and units work too
          (10s). Every bad key, variable and flag is reported at once, each
          with its key (--check lists them without starting). File key,
          environment variable, meaning:
        \(ConfigurationKey.all.map { "    \($0.name)  \($0.environment)\n        \($0.help)" }.joined(separator: "\n"))

        DEFAULT PATHS
          socket  /run/inferd/inferd.sock for the system service (INVOCATION_ID
                  set, uid 0), else $XDG_RUNTIME_DIR/inferd.sock,
                  else /tmp/inferd-$UID/inferd.sock (a private 0700 directory)
          models  $STATE_DIRECTORY/models, else /var/lib/inferd/models for the
                  system service, else ./models
          cache   $CACHE_DIRECTORY when systemd sets it, else none
          The socket is created with mode 0660. A stale socket file (nobody
          accepts on it) is replaced; a live one is an error (exit 3).

        SIGNALS
          SIGTERM, SIGINT  stop accepting, finish in-flight requests, exit 0
          SIGHUP           rescan the models directory (warm models that
                           still exist stay warm)

        SYSTEMD
          NOTIFY_SOCKET    READY=1 once listening and preloaded, STATUS= kept
                           current, RELOADING=1/READY=1 around SIGHUP,
                           STOPPING=1 at SIGTERM
          WATCHDOG_USEC    WATCHDOG=1 every half period, only while the
                           lifecycle manager and the HTTP server answer
          LISTEN_FDS       serve the passed socket (socket activation); no
                           socket file is created or removed
          JOURNAL_STREAM   structured journal fields (MODEL=, EVENT=, …)
                           when it names stderr; plain lines otherwise
          Admin calls (load, unload, pin, unpin, keep-alive, trim, reload)
          need root, the daemon's own uid or the admin_group (SO_PEERCRED);
          others get 403. Units and details: docs/SYSTEMD.md.

        NETWORK
          --listen tcp://HOST:PORT serves the same API on TCP (tcp://:PORT is
          loopback); over TCP admin calls need Authorization: Bearer with the
          token in --admin-token-file. --offload-remote URL and --offload
          never|always|when-cold|auto send requests to Open Inference Protocol
          servers (another inferd, Triton, OVMS); every answer's "placement"
          says where it ran and why. Details: docs/OFFLOAD.md.

        EXIT CODES
          0  stopped cleanly after SIGTERM/SIGINT
          1  failed while running
          2  bad usage or configuration (unknown flag, bad value, unparsable
             TOML, unreadable models directory, unknown preload model)
          3  cannot listen: socket in use by another process, or not creatable
          4  the OpenVINO runtime could not be started
        """,
        version: InferenceService.version
    )

    @Option(help: ArgumentHelp("TOML configuration file.", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("Unix socket to listen on.", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("Also serve the API on this address (repeatable): tcp://HOST:PORT, tcp://:PORT for loopback, or unix:/path. Admin calls over TCP need --admin-token-file.", valueName: "address"))
    var listen: [String] = []

    @Option(help: ArgumentHelp("File with the bearer token that admin calls over TCP must send (at least 16 characters).", valueName: "path"))
    var adminTokenFile: String?

    @Option(help: ArgumentHelp("A server to offload classifications to (repeatable): \"http://HOST:PORT [models=a,b] [token_file=PATH] [protocol=auto|inferd|oip] [normalize=N] [crop_short_side=S]\".", valueName: "remote"))
    var offloadRemote: [String] = []

    @Option(help: ArgumentHelp("When to offload: never, always, when-cold or auto (default auto with remotes, else never).", valueName: "mode"))
    var offload: String?

    @Option(help: ArgumentHelp("Close a connection idle this long while no answer is owed, or whose request takes longer to arrive: 60, 2m; 0 never (default 60s).", valueName: "duration"))
    var idleTimeout: String?

    @Option(help: ArgumentHelp("Directory of model bundles.", valueName: "dir"))
    var models: String?

    /// inferctl's former spelling, accepted so the two commands take the same flags.
    @Option(name: .customLong("models-dir"), help: .hidden)
    var modelsDir: String?

    @Option(help: ArgumentHelp("Inference threads per model (0 = all cores).", valueName: "n"))
    var threads: String?

    @Option(help: ArgumentHelp("Inference precision: auto, f32, bf16 or f16.", valueName: "p"))
    var precision: String?

    @Option(help: ArgumentHelp("OpenVINO performance hint: latency or throughput.", valueName: "hint"))
    var performanceHint: String?

    @Option(help: ArgumentHelp("A model's own performance hint, overriding --performance-hint for it (repeatable): efficientnet-lite0=throughput.", valueName: "model=hint"))
    var modelPerformanceHint: [String] = []

    @Option(help: ArgumentHelp("on or off: a model compiled with the latency hint also gets a throughput-hint companion while requests overlap, when the memory budget has room (default on).", valueName: "on|off"))
    var adaptiveStreams: String?

    @Option(help: ArgumentHelp("Compiled-model cache directory (\"\" disables).", valueName: "dir"))
    var cacheDir: String?

    @Option(help: ArgumentHelp("Requests that may wait per model for a free infer request; more get 503 with Retry-After (default 64).", valueName: "n"))
    var queueLimit: String?

    @Option(help: ArgumentHelp("Photos (JPEG/PNG) precision auto compares f32 and bf16/f16 on (default: synthetic patterns).", valueName: "dir"))
    var calibrationDir: String?

    @Option(help: ArgumentHelp("Largest request body: bytes or 512K, 64M, 1G (default 64M).", valueName: "size"))
    var maxBodyBytes: String?

    @Option(help: ArgumentHelp("Largest image in pixels, width x height (default 100000000).", valueName: "n"))
    var maxImagePixels: String?

    @Option(help: ArgumentHelp("Largest top-K a request may ask for (default 1000).", valueName: "k"))
    var maxTopK: String?

    @Option(help: ArgumentHelp("Memory for warm models: bytes, 512M, 2G (binary: MiB, GiB), or a percentage like 40% (default 50% of the memory limit).", valueName: "size"))
    var memoryBudget: String?

    @Option(help: ArgumentHelp("Bytes all requests in flight may hold together (bodies, decoded pixels, tensors); past it requests wait briefly, then get 503 with Retry-After (default 256M).", valueName: "size"))
    var maxInFlightBytes: String?

    @Option(help: ArgumentHelp("Eviction policy: lru, lfu, gdsf, ttl or manual (default lru).", valueName: "name"))
    var policy: String?

    @Option(help: ArgumentHelp("Load a model at start, before reporting ready (repeatable, or comma-separated).", valueName: "model"))
    var preload: [String] = []

    @Option(name: .customLong("pin"), help: ArgumentHelp("Keep a model loaded, never evicted (repeatable).", valueName: "model"))
    var pinned: [String] = []

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Idle time before a model is unloaded: 300, 5m, 1h30m; 0 after each request; -1 forever (default forever).", valueName: "duration"))
    var keepAlive: String?

    @Option(help: ArgumentHelp("How long a model counts as recently used: 60, 2m (default 60s).", valueName: "duration"))
    var recentWindow: String?

    @Option(help: ArgumentHelp("Churn guard: how long a new model goes last among budget victims: 5, 30s (default 0, off; it never refuses).", valueName: "duration"))
    var minResidency: String?

    @Option(help: ArgumentHelp("What a warm model is charged against the budget: measured (the memory it adds to a fresh daemon, measured once in a separate process and kept in the cache; its in-process samples until then) or file (file size x 1.5, reproducible for policy studies).", valueName: "how"))
    var sizeAccounting: String?

    @Option(help: ArgumentHelp("Time to let in-flight requests finish at shutdown: 30, 1m (default 30s).", valueName: "duration"))
    var shutdownGrace: String?

    @Option(help: ArgumentHelp("Group allowed to load, unload, pin, trim and reload, besides root (default inferd-admin).", valueName: "group"))
    var adminGroup: String?

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: String?

    @Flag(help: "Check the configuration and every model bundle (OpenVINO reads each model), print every problem found, and exit: 0 when all is well, 2 otherwise. Serves nothing.")
    var check = false

    /// inferd's own footprint-measuring process (``FootprintMeasurement``), started by the daemon.
    @Option(name: .customLong(String(FootprintMeasurement.flag.dropFirst(2))), help: .hidden)
    var measureFootprint: String?

    /// The flags that were given, as settings keyed like the config file.
    var flagSettings: [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        let strings: [(String, String?)] = [
            ("socket", socket), ("models", models ?? modelsDir), ("engine.threads", threads), ("engine.precision", precision),
            ("engine.performance_hint", performanceHint), ("engine.adaptive_streams", adaptiveStreams), ("engine.cache_dir", cacheDir),
            ("engine.queue_limit", queueLimit), ("engine.calibration_dir", calibrationDir),
            ("limits.max_body_bytes", maxBodyBytes), ("limits.max_image_pixels", maxImagePixels),
            ("limits.max_top_k", maxTopK), ("lifecycle.memory_budget", memoryBudget), ("limits.max_in_flight_bytes", maxInFlightBytes), ("lifecycle.policy", policy),
            ("lifecycle.keep_alive", keepAlive), ("lifecycle.recent_window", recentWindow),
            ("lifecycle.min_residency", minResidency), ("server.shutdown_grace", shutdownGrace), ("log_level", logLevel),
            ("admin_group", adminGroup), ("lifecycle.size_accounting", sizeAccounting),
            ("server.admin_token_file", adminTokenFile), ("offload.mode", offload), ("server.idle_timeout", idleTimeout),
        ]
        if !offloadRemote.isEmpty { values["offload.remotes"] = .list(offloadRemote) }
        if !listen.isEmpty { values["server.listen"] = .list(listen) }
        for case let (key, value?) in strings { values[key] = .string(value) }
        if !preload.isEmpty { values["lifecycle.preload"] = .string(preload.joined(separator: ",")) }
        if !pinned.isEmpty { values["lifecycle.pinned"] = .string(pinned.joined(separator: ",")) }
        if !modelPerformanceHint.isEmpty { values["engine.model_performance_hint"] = .list(modelPerformanceHint) }
        return values
    }

    /// Like ArgumentParser's, but usage errors exit 2 (our documented code) instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var daemon = command as? InferdCommand {
                try await daemon.run()
            } else {
                try command.run()  // --help, --version
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }

    mutating func run() async throws {
        let startup = Stopwatch()
        let processAge = ProcessAge.milliseconds() ?? 0
        signal(SIGHUP, SIG_IGN)  // until the reloader takes it: a SIGHUP during start-up must not kill us
        signal(SIGPIPE, SIG_IGN)
        if let measureFootprint {
            do {
                try FootprintMeasurement.run(measureFootprint)
                return
            } catch {
                throw Self.fail("measuring a footprint: \(error)", status: ExitStatus.runtime)
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let resolution = Self.resolveConfiguration(config, environment: environment, flags: flagSettings)
        if check {
            let status = ConfigurationCheck(resolution: resolution, environment: environment, fallbackModels: models ?? modelsDir).run()
            throw ExitCode(status)
        }
        guard resolution.problems.isEmpty else {
            for problem in resolution.problems.dropLast() {
                FileHandle.standardError.write(Data("inferd: error: configuration: \(problem.message)\n".utf8))
            }
            throw Self.fail("configuration: \(resolution.problems.last!.message)", status: ExitStatus.usage)
        }
        let configuration = resolution.configuration
        LogOutput.detect(environment: environment).bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "inferd")
        try await Daemon(configuration: configuration, environment: environment, startup: startup,
                         startupOffsetMilliseconds: processAge, logger: logger).run()
    }

    /// The configuration from the config file, the environment and `flags`, with every problem found:
    /// an unreadable file is one, and the environment and flags are still checked without it.
    static func resolveConfiguration(_ config: String?, environment: [String: String],
                                     flags: [String: ConfigValue]) -> (configuration: DaemonConfiguration, problems: [ConfigurationError]) {
        do {
            return DaemonConfiguration.resolveAll(file: try configFile(config, environment: environment), environment: environment, flags: flags)
        } catch {
            let rest = DaemonConfiguration.resolveAll(file: nil, environment: environment, flags: flags)
            return (rest.configuration, [error] + rest.problems)
        }
    }

    /// Reads the config file: `--config`, else `INFERD_CONFIG`, else the system file for the service.
    static func configFile(_ flag: String?, environment: [String: String]) throws(ConfigurationError) -> (path: String, text: String)? {
        var path = flag ?? environment["INFERD_CONFIG"]
        if path == nil, DefaultPaths.isSystemService(environment: environment),
           FileManager.default.fileExists(atPath: "/etc/inferd/inferd.toml") {
            path = "/etc/inferd/inferd.toml"
        }
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(.unreadableFile, "cannot read the config file \(path)")
        }
        return (path, text)
    }

    /// Prints `message` as an error and returns the exit to throw.
    static func fail(_ message: String, status: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("inferd: error: \(message)\n".utf8))
        return ExitCode(status)
    }
}

/// The exit codes `inferd --help` documents.
enum ExitStatus {
    static let running: Int32 = 1
    static let usage: Int32 = 2
    static let listen: Int32 = 3
    static let runtime: Int32 = 4
}
