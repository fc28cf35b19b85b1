import Core
import Foundation
import InferdRuntime
import InferdWire
import Testing

/// OpenVINO at f32 and onnxruntime agree to 1e-4 on the same network and the same input tensor.
@Suite struct ParityTests {
    /// A deterministic NCHW tensor of random pixels normalised as the manifest says, `(p - mean) / scale`.
    static func input(for manifest: ModelManifest, seed: UInt64) -> (values: [Float], shape: [Int64]) {
        let width = manifest.input.width, height = manifest.input.height
        var random = SeededGenerator(seed: seed)
        var values = [Float](repeating: 0, count: 3 * width * height)
        for channel in 0..<3 {
            let mean = manifest.normalize.mean[channel], scale = manifest.normalize.scale[channel]
            for i in 0..<(width * height) {
                values[channel * width * height + i] = (Float(UInt8.random(in: 0...255, using: &random)) - mean) / scale
            }
        }
        return (values, [1, 3, Int64(height), Int64(width)])
    }

    /// Runs scripts/models/ort_run.py (onnxruntime, CPU, one thread) on `values`.
    static func onnxruntime(model: String, values: [Float], shape: [Int64]) throws -> [Float] {
        let directory = try Fixtures.temporaryDirectory("parity")
        defer { Fixtures.removeTemporary(directory) }
        let inputPath = directory + "/in.f32", outputPath = directory + "/out.f32"
        // Float's in-memory layout is little-endian IEEE 754 on every platform inferd targets.
        try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: inputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.root + "/scripts/models/ort_run.py", "--model", model,
                             "--input", inputPath, "--shape", shape.map(String.init).joined(separator: ","),
                             "--output", outputPath]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Fixtures.pythonPath
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "ort_run.py failed (\(process.terminationStatus)): \(message)"])
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: outputPath))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    @Test(arguments: ["squeezenet", "efficientnet-lite0", "nin", "alexnet"])
    func openVINOAtF32MatchesOnnxRuntime(name: String) throws {
        let bundle = try Fixtures.bundle(name)
        let (values, shape) = Self.input(for: bundle.manifest, seed: 2024)
        // The manifest's input size is the network's own input shape.
        let networkShape = try Fixtures.engine.readModel(at: bundle.modelPath).input(0).shape
        #expect(networkShape == shape, "\(name): network input \(networkShape), manifest \(shape)")

        let openVINO = try LoadedModel.rawInference(engine: Fixtures.engine, bundle: bundle,
                                                    options: EngineOptions(precision: .f32), input: values, shape: shape)
        let reference = try Self.onnxruntime(model: bundle.modelPath, values: values, shape: shape)
        try #require(openVINO.count == reference.count && !reference.isEmpty, "\(openVINO.count) vs \(reference.count) outputs")
        let difference = zip(openVINO, reference).map { abs($0 - $1) }.max() ?? .infinity
        let magnitude = reference.map(abs).max() ?? 0
        let argmaxAgrees = openVINO.indices.max { openVINO[$0] < openVINO[$1] } == reference.indices.max { reference[$0] < reference[$1] }
        print("\(name): max |OpenVINO - onnxruntime| = \(difference) over \(reference.count) outputs (max |output| \(magnitude))")
        #expect(reference.allSatisfy(\.isFinite) && openVINO.allSatisfy(\.isFinite))
        #expect(difference <= 1e-4, "\(name): max abs difference \(difference)")
        #expect(argmaxAgrees)
        // Not a degenerate comparison: the outputs vary.
        #expect(Set(reference).count > 1)
    }
}
