import Core
import Foundation
import InferdRuntime
import InferdWire

/// Paths of the models and photos that scripts/setup.sh prepares.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let models = root + "/models"
    static let samples = root + "/samples"

    static func sample(_ name: String) -> String { samples + "/" + name }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return [UInt8](data)
    }

    static func bundle(_ name: String) throws -> ModelBundle {
        try ModelBundle.load(from: models + "/" + name)
    }

    /// One engine for the whole test process.
    static let engine: Engine = try! Engine()

    /// Loaded models, shared across tests (compiling is the slow part).
    private static let cache = ModelCache()
    static func loaded(_ name: String, precision: EngineOptions.Precision = .f32) throws -> LoadedModel {
        try cache.get("\(name)/\(precision)") {
            try ModelLoader(engine: engine, options: EngineOptions(precision: precision)).load(bundle(name))
        }
    }
}

final class ModelCache: @unchecked Sendable {
    private var models: [String: LoadedModel] = [:]
    private let lock = NSLock()
    func get(_ key: String, _ make: () throws -> LoadedModel) throws -> LoadedModel {
        lock.lock(); defer { lock.unlock() }
        if let model = models[key] { return model }
        let model = try make()
        models[key] = model
        return model
    }
}

extension Fixtures {
    /// Decodes a sample (path relative to samples/) with `options`.
    static func decode(_ name: String, options: DecodeOptions = DecodeOptions()) throws -> ImageDecoder.Result {
        try ImageDecoder.decode(bytes(sample(name)), options: options)
    }

    /// A fresh, empty temporary directory, removed by the caller (`defer { removeTemporary(dir) }`).
    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "inferd-\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func removeTemporary(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Where the Python tools' packages live: `INFERD_PYTHONPATH` (scripts/env.sh), else `.deps/python`.
    static var pythonPath: String {
        ProcessInfo.processInfo.environment["INFERD_PYTHONPATH"] ?? root + "/.deps/python"
    }
}

/// A small seeded generator (SplitMix64): the same sequence on every run and platform.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
