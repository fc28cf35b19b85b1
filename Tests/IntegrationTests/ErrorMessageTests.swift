import Foundation
import Testing

/// The mistakes a new user makes, each run for real: the exit status the help promises and a message
/// that names the problem and the fix.
@Suite struct ErrorMessageTests {
    static func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-mistakes-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aDirectoryOrRegularFileAsSocketIsCalledWhatItIs() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/notes.txt"
        try "hello".write(toFile: file, atomically: true, encoding: .utf8)
        for (path, kind) in [(directory, "a directory"), (file, "a regular file")] {
            let run = try await InferctlProcess.run(["status", "--socket", path])
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stderr.contains("\(path) is \(kind), not a socket") && !run.stderr.contains("stale"), "\(run.stderr)")
        }
    }

    @Test func aRemoteWithoutHttpIsATCPAddressNotASocketPath() async throws {
        // Port 9 (discard) on loopback: nothing listens there in the test environment.
        let run = try await InferctlProcess.run(["status", "--remote", "127.0.0.1:9"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1:9") && !run.stderr.contains("no socket there"), "\(run.stderr)")
    }

    @Test func aMissingImageExits1AsTheHelpSays() async throws {
        let help = try await InferctlProcess.run(["--help"])
        #expect(help.stdout.contains("1  a request failed (the daemon's message is printed), or an image or model"))
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try await InferctlProcess.run(["classify", "--socket", directory + "/none.sock", directory + "/missing.jpg"])
        #expect(missing.status == 1, "\(missing.stderr)")
        #expect(missing.stderr.contains("no image file at \(directory)/missing.jpg"), "\(missing.stderr)")
        let folder = try await InferctlProcess.run(["classify", "--socket", directory + "/none.sock", directory])
        #expect(folder.status == 1 && folder.stderr.contains("is a directory, not an image file"), "\(folder.stderr)")
    }

    @Test func modelsPointingAtAFileSaysSoUnderEitherFlagName() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/manifest.json"
        try "{}".write(toFile: file, atomically: true, encoding: .utf8)
        for flag in ["--models", "--models-dir"] {
            let daemon = try DaemonProcess.launch(arguments: [flag, file, "--socket", directory + "/d.sock"])
            #expect(try await daemon.waitForExit(timeout: 120) == 2, "\(flag)")
            let log = daemon.stderrLog
            #expect(log.contains("\(file): this is a file, not a directory"), "\(flag): \(log)")
            #expect(!log.contains("NSCocoaErrorDomain") && !log.contains("Unknown option"), "\(flag): \(log)")
        }
        let none = try DaemonProcess.launch(arguments: ["--models", directory + "/nowhere", "--socket", directory + "/d.sock"])
        #expect(try await none.waitForExit(timeout: 120) == 2)
        #expect(none.stderrLog.contains("the models directory does not exist"), "\(none.stderrLog)")
    }

    /// `inferd --check` reports every problem at once (not one per start), and says ok when all is well.
    @Test func checkReportsEveryProblemAtOnce() async throws {
        let good = try await Command.run([try DaemonProcess.binaryPath, "--check", "--models", DaemonProcess.modelsDirectory])
        #expect(good.status == 0 && good.stdout.contains("inferd --check: ok"), "\(good.stdout)\(good.stderr)")

        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = DaemonProcess.modelsDirectory + "/squeezenet"
        // One bundle with a manifest missing its input, one whose manifest size disagrees with the model,
        // one whose model file is garbage; and a preload of a model that does not exist.
        for name in ["no-input", "wrong-size", "garbage"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + name, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source + "/labels.txt", toPath: directory + "/\(name)/labels.txt")
            var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/manifest.json"))) as? [String: Any])
            manifest["name"] = name
            switch name {
            case "no-input": manifest.removeValue(forKey: "input")
            case "wrong-size": manifest["input"] = ["width": 300, "height": 300, "layout": "NCHW", "color": "RGB"]
            default: break
            }
            try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: directory + "/\(name)/manifest.json"))
            if name == "garbage" {
                try "not onnx".write(toFile: directory + "/\(name)/model.onnx", atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.copyItem(atPath: source + "/model.onnx", toPath: directory + "/\(name)/model.onnx")
            }
        }
        let bad = try await Command.run([try DaemonProcess.binaryPath, "--check", "--models", directory, "--preload", "no-such-model"])
        #expect(bad.status == 2, "\(bad.stdout)\(bad.stderr)")
        let problems = bad.stdout.split(separator: "\n").filter { $0.hasPrefix("problem: ") }
        #expect(problems.count == 4, "\(bad.stdout)")
        for expected in ["no-input", "wrong-size", "garbage", "no-such-model"] {
            #expect(problems.contains { $0.contains(expected) }, "\(expected) not reported: \(bad.stdout)")
        }
        #expect(bad.stdout.contains("4 problem(s)"))
    }

    /// A config file with several bad keys, plus a bad environment variable and a bad flag: `--check`
    /// lists every one with its key and where it came from (not only the first), and a start refuses
    /// with the same list; both exit 2.
    @Test func checkReportsEveryConfigurationProblemWithItsKey() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/inferd.toml"
        try """
            log_level = "loud"
            [engine]
            threads = -4
            [limits]
            max_queued = -1
            queue_timeout_ms = "soon"
            [lifecycle]
            policy = "fifo"
            colour = "blue"
            [offload]
            timeout_ms = "20m"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let expected = [
            "\(config): log_level: unknown level \"loud\"",
            "\(config): engine.threads must be >= 0 (0 = all cores), not -4",
            "\(config): limits.max_queued must be >= 0, not -1",
            "\(config): limits.queue_timeout_ms: \"soon\" is not a duration",
            "\(config): lifecycle.policy: unknown eviction policy \"fifo\"",
            "\(config): unknown setting \"lifecycle.colour\"",
            "\(config): offload.timeout_ms must be 1 to 600000 milliseconds",
            "environment: offload.probe_interval must be >= 0 (0 = never), not -2",
            "command line: lifecycle.memory_budget",
        ]
        let arguments = ["--config", config, "--models", DaemonProcess.modelsDirectory, "--memory-budget", "lots"]
        let check = try await Command.run([try DaemonProcess.binaryPath, "--check"] + arguments,
                                          environment: ["INFERD_OFFLOAD_PROBE_INTERVAL": "-2"])
        #expect(check.status == 2, "\(check.stdout)\(check.stderr)")
        let problems = check.stdout.split(separator: "\n").filter { $0.hasPrefix("problem: configuration: ") }
        #expect(problems.count == expected.count, "\(check.stdout)")
        for line in expected {
            #expect(problems.contains { $0.contains(line) }, "\(line) not reported: \(check.stdout)")
        }
        #expect(check.stdout.contains("\(expected.count) problem(s)"), "\(check.stdout)")

        // A start with the same configuration refuses with the same list, before binding anything.
        let start = try DaemonProcess.launch(arguments: arguments + ["--socket", directory + "/d.sock"],
                                             environment: ["INFERD_OFFLOAD_PROBE_INTERVAL": "-2"])
        #expect(try await start.waitForExit(timeout: 120) == 2)
        let refused = start.stderrLog.split(separator: "\n").filter { $0.hasPrefix("inferd: error: configuration: ") }
        #expect(refused.count == expected.count, "\(start.stderrLog)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/d.sock"))
    }

    /// From a folder with no ./models: --in-process finds the bundles through INFERD_MODELS, and
    /// without it (and no installed /var/lib/inferd/models) says which flag to pass.
    @Test func fromAnotherFolderInProcessNamesTheFlagOrUsesTheEnvironment() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = try InferctlProcess.binaryPath
        let command = "cd '\(directory)' && exec '\(binary)' classify --in-process -m squeezenet '\(DaemonProcess.sample("chelsea.jpg"))'"
        let found = try await Command.run(["/bin/sh", "-c", command], environment: ["INFERD_MODELS": DaemonProcess.modelsDirectory])
        #expect(found.status == 0, "\(found.stderr)")
        guard !FileManager.default.fileExists(atPath: "/var/lib/inferd/models") else { return }  // an installed inferd's models
        let missing = try await Command.run(["/bin/sh", "-c", command], environment: ["INFERD_MODELS": ""])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(missing.stderr.contains("pass --models DIR") && missing.stderr.contains("\(directory)/models"), "\(missing.stderr)")
    }
}
