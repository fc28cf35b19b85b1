import Core
import Foundation
import InferdServer
import Testing

/// One duration parser for the config file, the environment and the flags (and inferctl, tested
/// with its formatting), and the `[lifecycle]` block as one typed value.
@Suite struct DurationConfigurationTests {
    static let cases: [(text: String, seconds: Double)] = [
        ("300", 300), ("1.5", 1.5), ("90s", 90), ("5m", 300), ("1h30m", 5400), ("250ms", 0.25), ("0", 0), ("-1", -1), ("-5m", -1),
    ]

    @Test func durationsParseTheSameFromTheFileTheEnvironmentAndFlags() throws {
        for (text, seconds) in Self.cases {
            #expect(try DurationText.seconds(text, key: "k", allowsForever: true) == seconds, "\(text)")
            let file = try DaemonConfiguration.resolve(file: ("t.toml", "[lifecycle]\nkeep_alive = \"\(text)\"\n"), environment: [:], flags: [:])
            let environment = try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_KEEP_ALIVE": text], flags: [:])
            let flag = try DaemonConfiguration.resolve(file: nil, environment: [:], flags: ["lifecycle.keep_alive": .string(text)])
            for configuration in [file, environment, flag] {
                #expect(configuration.lifecycle.defaultKeepAlive == seconds, "\(text)")
            }
        }
        // A TOML number is seconds too.
        let number = try DaemonConfiguration.resolve(file: ("t.toml", "[lifecycle]\nkeep_alive = 300\nrecent_window = 1.5\n"), environment: [:], flags: [:])
        #expect(number.lifecycle.defaultKeepAlive == 300 && number.lifecycle.recentWindow == 1.5)
    }

    @Test func everyDurationKeyTakesUnitsAndForeverOnlyWhereItMeansSomething() throws {
        let configuration = try DaemonConfiguration.resolve(file: ("t.toml", """
            [lifecycle]
            recent_window = "2m"
            min_residency = "500ms"
            room_wait = "1m"
            model_keep_alive = ["alexnet=5m", "nin=-1"]
            [limits]
            in_flight_wait = "250ms"
            max_in_flight_bytes = "128M"
            [server]
            shutdown_grace = "1m"
            idle_timeout = "1h"
            """), environment: [:], flags: [:])
        #expect(configuration.lifecycle.recentWindow == 120)
        #expect(configuration.lifecycle.minimumResidency == 0.5)
        #expect(configuration.lifecycle.roomWaitTimeout == 60)
        #expect(configuration.lifecycle.keepAlive == ["alexnet": 300, "nin": -1])
        #expect(configuration.limits.inFlightWait == 0.25 && configuration.limits.maxInFlightBytes == 128 << 20)
        #expect(configuration.shutdownGrace == 60 && configuration.idleTimeout == 3600)
        #expect(configuration.effectiveLimits.inFlightWait == 0.25)
        // A wait the idle timer would cut short is kept below half of it.
        let short = try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_IDLE_TIMEOUT": "200ms"], flags: [:])
        #expect(short.limits.inFlightWait == 2 && short.effectiveLimits.inFlightWait == 0.1)
        for bad in ["soon", "5x", "", "m", "1e400"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_RECENT_WINDOW": bad], flags: [:])
            }
        }
        // Forever is meaningless for a window: a negative one is refused, naming the key.
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_MIN_RESIDENCY": "-1"], flags: [:])
        }
    }

    /// The `*_ms` keys keep reading a bare number as milliseconds (configs written before stay
    /// valid) and take the shared duration syntax too; out of range is refused naming the key.
    @Test func millisecondKeysReadBareNumbersAsMillisecondsAndTakeDurations() throws {
        let cases: [(ConfigValue, Double)] = [(.integer(2500), 2500), (.number(2500.4), 2500), (.string("2500"), 2500), (.string("2.5s"), 2500),
                                              (.string("2m"), 120_000), (.string("750ms"), 750)]
        for (value, milliseconds) in cases {
            for key in ["limits.queue_timeout_ms", "offload.timeout_ms"] {
                let configuration = try DaemonConfiguration.resolve(file: nil, environment: [:], flags: [key: value])
                let queue = configuration.limits.queueTimeout.components
                let read = key == "offload.timeout_ms" ? Double(configuration.offload.timeoutMilliseconds)
                                                       : Double(queue.seconds) * 1000 + Double(queue.attoseconds) / 1e15
                #expect(read == milliseconds, "\(key) = \(value)")
            }
        }
        let pressure = try DaemonConfiguration.resolve(file: ("t.toml", "[pressure]\nwindow_ms = \"4s\"\nsome_stall_ms = \"200ms\"\nfull_stall_ms = 2000\n"),
                                                       environment: [:], flags: [:])
        #expect(pressure.pressure.windowMicroseconds == 4_000_000 && pressure.pressure.someStallMicroseconds == 200_000
                && pressure.pressure.fullStallMicroseconds == 2_000_000)
        for bad in ["0", "-5", "11m", "1h", "soon", "-1s"] {
            #expect {
                try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_QUEUE_TIMEOUT_MS": bad], flags: [:])
            } throws: { error in
                (error as? ConfigurationError)?.message.hasPrefix("environment: limits.queue_timeout_ms") == true
            }
        }
    }

    /// The integer keys share one range check, whose message names the key, the range and the value.
    @Test func integerKeysNameTheirRange() {
        let cases: [(String, String, String)] = [
            ("INFERD_MAX_QUEUED", "-1", "limits.max_queued must be >= 0, not -1"),
            ("INFERD_OFFLOAD_PROBE_INTERVAL", "-3", "offload.probe_interval must be >= 0 (0 = never), not -3"),
            ("INFERD_THREADS", "-2", "engine.threads must be >= 0 (0 = all cores), not -2"),
            ("INFERD_MAX_TOP_K", "0", "limits.max_top_k must be positive, not 0"),
            ("INFERD_OFFLOAD_MAX_IN_FLIGHT", "2000", "offload.max_in_flight must be 1 to 1024, not 2000"),
            ("INFERD_MAX_QUEUED", "many", "limits.max_queued: \"many\" is not an integer"),
        ]
        for (variable, text, message) in cases {
            let resolution = DaemonConfiguration.resolveAll(file: nil, environment: [variable: text], flags: [:])
            #expect(resolution.problems.map(\.message) == ["environment: " + message], "\(variable)=\(text)")
        }
    }

    /// Every problem is found in one pass: each bad key in the file, the environment and the flags,
    /// an unknown key, and the cross-field rules on what remains.
    @Test func resolvingReportsEveryProblemAtOnce() {
        let file = """
            threads = 2
            [limits]
            max_queued = -1
            queue_timeout_ms = "soon"
            default_top_k = 50
            max_top_k = 10
            [lifecycle]
            policy = "fifo"
            """
        let resolution = DaemonConfiguration.resolveAll(file: ("bad.toml", file), environment: ["INFERD_THREADS": "x"],
                                                        flags: ["offload.timeout_ms": .string("0")])
        let messages = resolution.problems.map(\.message)
        #expect(messages.count == 7, "\(messages)")
        for expected in ["bad.toml: unknown setting \"threads\"", "bad.toml: limits.max_queued must be >= 0",
                         "bad.toml: limits.queue_timeout_ms: \"soon\" is not a duration", "bad.toml: lifecycle.policy",
                         "environment: engine.threads: \"x\" is not an integer", "command line: offload.timeout_ms must be 1 to 600000",
                         "limits.default_top_k (50) is above limits.max_top_k (10)"] {
            #expect(messages.contains { $0.hasPrefix(expected) }, "\(expected) not in \(messages)")
        }
        // resolve throws the first of them.
        #expect(throws: ConfigurationError.self) { try DaemonConfiguration.resolve(file: ("bad.toml", file), environment: [:], flags: [:]) }
    }

    @Test func theLifecycleBlockIsTypedAndTheBudgetIsResolvedOnceAgainstTheLimit() throws {
        let configuration = try DaemonConfiguration.resolve(file: ("t.toml", """
            [lifecycle]
            memory_budget = "40%"
            policy = "ttl"
            low_watermark = 0.25
            size_factor = 2
            size_accounting = "file"
            """), environment: [:], flags: [:])
        #expect(configuration.memoryBudget == .share(0.4))
        let lifecycle = try configuration.lifecycle(limit: (10 << 30, "cgroup memory.max (10.0 GiB)"))
        #expect(lifecycle.budget.bytes == 4 << 30)
        #expect(lifecycle.budget.source == "40% of cgroup memory.max (10.0 GiB)")
        #expect(lifecycle.policy == .ttl && lifecycle.defaultKeepAlive == 300, "ttl's default keep-alive")
        #expect(lifecycle.pressureLowWatermark == 0.25 && lifecycle.initialSizeFactor == 2 && lifecycle.sizeAccounting == .file)
        // A size is binary, and shown as such wherever it is printed.
        let fixed = try DaemonConfiguration.resolve(file: nil, environment: [:], flags: ["lifecycle.memory_budget": .string("512M")])
        #expect(fixed.memoryBudget == .bytes(512 << 20))
        #expect(try fixed.lifecycle(limit: (1 << 40, "x")).budget.source == "configured 512 MiB")
        #expect(fixed.memoryBudget.description == "512 MiB")
    }
}
