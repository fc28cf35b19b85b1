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
