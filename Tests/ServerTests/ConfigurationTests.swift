import Core
import Foundation
import InferdRuntime
import InferdServer
import Testing

@Suite struct SystemdConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The shipped config file names only keys the daemon knows, with values it accepts: every
    /// commented-out `key = value` line is uncommented and the result resolved.
    @Test func theDefaultConfigFileUncommentedIsValid() throws {
        let text = try String(contentsOfFile: Self.root + "/systemd/inferd.toml", encoding: .utf8)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let body = line.drop(while: { $0 == "#" || $0 == " " })
            if line.hasPrefix("# "), let equals = body.firstIndex(of: "="),
               body[..<equals].trimmingCharacters(in: .whitespaces).allSatisfy({ $0.isLetter || $0 == "_" }) {
                return String(body)
            }
            return String(line)
        }.joined(separator: "\n")
        #expect(uncommented.contains("\nwindow_ms = 2000"))
        let configuration = try DaemonConfiguration.resolve(file: ("inferd.toml", uncommented), environment: [:], flags: [:])
        #expect(configuration.adminGroup == "inferd-admin")
        #expect(configuration.pressure == PressureThresholds())
        #expect(configuration.socketPath == "/run/inferd/inferd.sock")
    }

    @Test func pressureThresholdsAndTheAdminGroupAreConfigurable() throws {
        let configuration = try DaemonConfiguration.resolve(
            file: ("t.toml", "admin_group = \"wheel\"\n[pressure]\nwindow_ms = 4000\nsome_stall_ms = 200\nfull_stall_ms = 2000\n"),
            environment: ["INFERD_PRESSURE_FULL_STALL_MS": "3000"], flags: [:])
        #expect(configuration.adminGroup == "wheel")
        #expect(configuration.pressure.windowMicroseconds == 4_000_000)
        #expect(configuration.pressure.someStallMicroseconds == 200_000)
        #expect(configuration.pressure.fullStallMicroseconds == 3_000_000)
    }

    @Test func aModelMayHaveItsOwnPerformanceHintFromTheFileTheEnvironmentOrFlags() throws {
        let file = try DaemonConfiguration.resolve(
            file: ("t.toml", "[engine]\nperformance_hint = \"latency\"\nmodel_performance_hint = [\"efficientnet-lite0=throughput\", \"nin = LATENCY\"]\n"),
            environment: [:], flags: [:])
        #expect(file.engine.performanceHint == .latency)
        #expect(file.modelPerformanceHints == ["efficientnet-lite0": .throughput, "nin": .latency])
        let environment = try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_MODEL_PERFORMANCE_HINT": "squeezenet=throughput"], flags: [:])
        #expect(environment.modelPerformanceHints == ["squeezenet": .throughput])
        let flags = try DaemonConfiguration.resolve(file: nil, environment: [:],
                                                    flags: ["engine.model_performance_hint": .list(["alexnet=throughput"])])
        #expect(flags.modelPerformanceHints == ["alexnet": .throughput])
        for bad in ["[\"alexnet\"]", "[\"=throughput\"]", "[\"alexnet=fast\"]"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.resolve(file: ("t.toml", "[engine]\nmodel_performance_hint = \(bad)\n"), environment: [:], flags: [:])
            }
        }
    }

    @Test func adaptiveStreamsIsOnByDefaultAndSwitchedFromTheFileTheEnvironmentOrFlags() throws {
        #expect(try DaemonConfiguration.resolve(file: nil, environment: [:], flags: [:]).adaptiveStreams)
        let file = try DaemonConfiguration.resolve(file: ("t.toml", "[engine]\nadaptive_streams = false\n"), environment: [:], flags: [:])
        #expect(!file.adaptiveStreams)
        let environment = try DaemonConfiguration.resolve(file: ("t.toml", "[engine]\nadaptive_streams = false\n"),
                                                          environment: ["INFERD_ADAPTIVE_STREAMS": "on"], flags: [:])
        #expect(environment.adaptiveStreams)
        let flags = try DaemonConfiguration.resolve(file: nil, environment: [:], flags: ["engine.adaptive_streams": .string("off")])
        #expect(!flags.adaptiveStreams)
        do {
            _ = try DaemonConfiguration.resolve(file: nil, environment: ["INFERD_ADAPTIVE_STREAMS": "sometimes"], flags: [:])
            Issue.record("\"sometimes\" was accepted")
        } catch {
            #expect(error.message.contains("engine.adaptive_streams") && error.message.contains("on or off"), "\(error.message)")
        }
    }

    @Test func badPressureValuesAreRefused() {
        for bad in ["window_ms = 100", "window_ms = -5", "some_stall_ms = 5000", "full_stall_ms = \"x\""] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.resolve(file: ("t.toml", "[pressure]\n" + bad + "\n"), environment: [:], flags: [:])
            }
        }
    }

    @Test func processAgeReadsTheStartTimeAfterTheCommandName() {
        let stat = "1234 (in fer) d) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 4 0 987654 123456 789"
        #expect(ProcessAge.startTime(stat: stat) == 987654)
        #expect((ProcessAge.milliseconds() ?? -1) >= 0)
    }
}
