import Core
import Foundation
import InferdRuntime
import InferdWire
import Testing

/// A model file OpenVINO cannot read is a typed ``OpenVINOError`` carrying OpenVINO's own reason.
///
/// One at a time: OpenVINO keeps one last-error message per process, so two of these failing at
/// once could read each other's reason (CI saw the text model's error carry the missing file's).
@Suite(.serialized) struct ModelLoadErrorTests {
    /// Loads `bundle`, expecting an ``OpenVINOError`` (any other outcome is recorded as an issue).
    static func loadError(_ bundle: ModelBundle) -> OpenVINOError? {
        #expect(throws: OpenVINOError.self, "\(bundle.directory) should not load") {
            try ModelLoader(engine: Fixtures.engine, options: EngineOptions(precision: .f32)).load(bundle)
        }
    }

    /// OpenVINO's detail names the file or says it could not be parsed (beyond "general error").
    static func explains(_ error: OpenVINOError, path: String) -> Bool {
        error.message.contains(path) || error.message.lowercased().contains("parse")
    }

    /// samples/bad/corrupt-model: a valid manifest whose model.onnx is squeezenet's first 1000 bytes.
    @Test func truncatedModelFileGivesOpenVINOsReason() throws {
        let bundle = try ModelBundle.load(from: Fixtures.sample("bad/corrupt-model"))
        if let error = Self.loadError(bundle) {
            print("corrupt-model: \(error)")
            #expect(error.status != 0)
            #expect(error.operation.contains(bundle.modelPath), "\(error.operation)")
            // OpenVINO's reason, not only the status summary.
            #expect(error.message.count > 20, "\(error.message)")
            #expect(Self.explains(error, path: bundle.modelPath), "\(error.message)")
        }
    }

    /// A model.onnx that is plain text.
    @Test func textFileIsNotAModel() throws {
        let directory = try Fixtures.temporaryDirectory("text-model")
        defer { Fixtures.removeTemporary(directory) }
        let files = FileManager.default
        // squeezenet's manifest without its model checksum: this test is about OpenVINO's reason.
        var manifest = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Fixtures.models + "/squeezenet/manifest.json"))) as? [String: Any])
        manifest["sha256"] = nil
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: directory + "/manifest.json"))
        try files.copyItem(atPath: Fixtures.models + "/squeezenet/labels.txt", toPath: directory + "/labels.txt")
        try "This is not a model. Loading it must fail with OpenVINO's reason.\n"
            .write(toFile: directory + "/model.onnx", atomically: true, encoding: .utf8)
        let bundle = try ModelBundle.load(from: directory)
        if let error = Self.loadError(bundle) {
            print("text model: \(error)")
            #expect(error.operation.contains(bundle.modelPath))
            #expect(error.message.count > 20, "\(error.message)")
            #expect(Self.explains(error, path: bundle.modelPath), "\(error.message)")
            #expect(error.description.contains(error.message))
        }
    }

    /// Reading a path that does not exist (the bundle vanished after the scan).
    @Test func missingModelFileGivesAnError() throws {
        let path = NSTemporaryDirectory() + "inferd-no-such-model-\(UUID().uuidString).onnx"
        let error = #expect(throws: OpenVINOError.self) { try Fixtures.engine.readModel(at: path) }
        print("missing file: \(String(describing: error))")
        #expect(error?.message.isEmpty == false)
        #expect(error?.operation.contains(path) == true)
    }
}
