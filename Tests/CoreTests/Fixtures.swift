import Core
import Foundation

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
