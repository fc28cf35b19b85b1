import Foundation
import InferdWire
import Testing

/// `inferctl models add`: a plain ONNX file (the squeezenet graph without its manifest) becomes a
/// bundle in one step, with the input read from the file, and classifies; bad input is refused with
/// the reason and leaves nothing behind.
@Suite struct ModelsAddTests {
    @Test func aPlainONNXFileBecomesABundleThatClassifies() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-add-\(UUID().uuidString.prefix(8))").path
        let models = directory + "/models"
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plain = directory + "/squeeze-plain.onnx"
        try FileManager.default.copyItem(atPath: DaemonProcess.modelsDirectory + "/squeezenet/model.onnx", toPath: plain)

        let added = try await InferctlProcess.run(["models", "add", plain, "--models", models,
                                                   "--labels", DaemonProcess.modelsDirectory + "/squeezenet/labels.txt",
                                                   "--mean", "123,117,104", "--scale", "1,1,1", "--resize", "squash",
                                                   "--output", "probabilities"])
        #expect(added.status == 0, "\(added.stdout)\n\(added.stderr)")
        #expect(added.stdout.contains("added squeeze-plain") && added.stdout.contains("input 227x227 NCHW"), "\(added.stdout)")
        let manifestData = try #require(FileManager.default.contents(atPath: models + "/squeeze-plain/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        let input = try #require(manifest["input"] as? [String: Any])
        // What the file says, read from it (the original bundle's manifest says the same: 227x227 NCHW).
        #expect(input["width"] as? Int == 227 && input["height"] as? Int == 227 && input["layout"] as? String == "NCHW", "\(input)")

        // It classifies like the prepared bundle it came from (same graph, same preprocessing).
        let mine = try await InferctlProcess.run(["classify", "--in-process", "--json", "--models", models, "-m", "squeeze-plain",
                                                  DaemonProcess.sample("chelsea.jpg")])
        let reference = try await InferctlProcess.run(["classify", "--in-process", "--json", "--models", DaemonProcess.modelsDirectory,
                                                       "-m", "squeezenet", DaemonProcess.sample("chelsea.jpg")])
        #expect(mine.status == 0 && reference.status == 0, "\(mine.stderr) \(reference.stderr)")
        let mineTop = try #require(mine.classifyRecords().first?.labelNames.first)
        let referenceTop = try #require(reference.classifyRecords().first?.labelNames.first)
        #expect(mineTop == referenceTop)

        // The same name again is refused without --force.
        let again = try await InferctlProcess.run(["models", "add", plain, "--models", models])
        #expect(again.status == 1 && again.stderr.contains("already exists"), "\(again.stderr)")

        // Not a model: refused with OpenVINO's reason, and no half-written bundle stays.
        let notModel = directory + "/notes.onnx"
        try "not a model".write(toFile: notModel, atomically: true, encoding: .utf8)
        let refused = try await InferctlProcess.run(["models", "add", notModel, "--models", models])
        #expect(refused.status == 1 && refused.stderr.contains("cannot read \(notModel) as a model"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: models + "/notes"))
    }

    /// A folder in the models directory with a model file and no manifest: the daemon does not guess
    /// its labels and normalisation; it skips the folder and names the one command that makes it a
    /// bundle — at start in its log, in `inferd --check`, and to a client asking for that model. That
    /// command, run as printed, writes the manifest beside the file, and after a reload it classifies.
    @Test func aModelFileWithoutManifestIsRefusedWithTheCommandThatFixesIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-plain-\(UUID().uuidString.prefix(8))").path
        let models = directory + "/models"
        let plain = models + "/plain"
        try FileManager.default.createDirectory(atPath: plain, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: DaemonProcess.modelsDirectory + "/squeezenet/model.onnx", toPath: plain + "/model.onnx")
        let command = "inferctl models add \(plain)/model.onnx --name plain --models \(models)"

        let check = try await Command.run([try DaemonProcess.binaryPath, "--check", "--models", models])
        #expect(check.status == 2 && check.stdout.contains("problem: model bundle \(plain): model.onnx has no manifest.json"), "\(check.stdout)")
        #expect(check.stdout.contains(command), "\(check.stdout)")

        let daemon = try await DaemonProcess.start(arguments: ["--models", models])
        #expect(daemon.stderrLog.contains(command), "\(daemon.stderrLog)")
        let refused = try await InferctlProcess.run(["classify", "--socket", daemon.socketPath, "-m", "plain", DaemonProcess.sample("chelsea.jpg")])
        #expect(refused.status == 1 && refused.stderr.contains("no model named \"plain\"") && refused.stderr.contains(command), "\(refused.stderr)")

        // The command as printed, plus what the file cannot say (squeezenet's labels and preprocessing),
        // makes the folder a bundle in place.
        let arguments = command.split(separator: " ").dropFirst().map(String.init)
        let added = try await InferctlProcess.run(arguments + ["--labels", DaemonProcess.modelsDirectory + "/squeezenet/labels.txt",
                                                               "--mean", "123,117,104", "--scale", "1,1,1", "--resize", "squash",
                                                               "--output", "probabilities"])
        #expect(added.status == 0 && added.stdout.contains("made \(plain) a bundle: input 227x227 NCHW"), "\(added.stdout)\(added.stderr)")
        #expect(FileManager.default.fileExists(atPath: plain + "/model.onnx") && FileManager.default.fileExists(atPath: plain + "/manifest.json"))
        let again = try await InferctlProcess.run(arguments)
        #expect(again.status == 1 && again.stderr.contains("already a bundle"), "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: plain + "/model.onnx"), "a refused add leaves the model file alone")

        let reload = try await InferctlProcess.run(["reload", "--socket", daemon.socketPath])
        #expect(reload.status == 0, "\(reload.stderr)")
        let classified = try await InferctlProcess.run(["classify", "--socket", daemon.socketPath, "--json", "-m", "plain", DaemonProcess.sample("chelsea.jpg")])
        let stopped = try await daemon.stop()
        #expect(classified.status == 0, "\(classified.stderr)\n\(daemon.stderrLog)")
        let reference = try await InferctlProcess.run(["classify", "--in-process", "--json", "--models", DaemonProcess.modelsDirectory,
                                                       "-m", "squeezenet", DaemonProcess.sample("chelsea.jpg")])
        let top = try classified.classifyRecords().first?.labelNames.first
        let expected = try reference.classifyRecords().first?.labelNames.first
        #expect(top != nil && top == expected, "the prepared squeezenet bundle's answer")
        #expect(stopped == 0)
    }
}
