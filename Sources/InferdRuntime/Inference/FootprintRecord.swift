import Foundation

/// A model's footprint as kept in the compiled-model cache beside its blob
/// (`inferd-<model>-<key>.footprint.json`, keyed like the blob): what loading it into a freshly
/// started inferd added, measured by ``FootprintMeter`` in a separate process.
public struct FootprintRecord: Codable, Sendable, Equatable {
    /// Anonymous memory the load added, plus the blob bytes mapped (as ``LoadReport/residentBytes``).
    public var bytes: Int64
    /// The measuring load's read + compile (or import) + warm-up, ms.
    public var loadMilliseconds: Double
    /// The OpenVINO version that measured it (also part of the key).
    public var openVINOVersion: String

    enum CodingKeys: String, CodingKey {
        case bytes
        case loadMilliseconds = "load_ms"
        case openVINOVersion = "openvino_version"
    }
}

extension CompiledModelStore {
    /// Where the footprint of the model named `model` under cache key `key` is kept.
    func footprintPath(for key: String, model: String) -> String {
        (directory as NSString).appendingPathComponent("inferd-\(model)-\(key).footprint.json")
    }

    /// The footprint recorded under `key`, if any.
    func recordedFootprint(for key: String, model: String) -> FootprintRecord? {
        readRecord(FootprintRecord.self, at: footprintPath(for: key, model: model)).flatMap { $0.bytes > 0 ? $0 : nil }
    }

    /// Records `record` under `key` durably; failures are logged.
    func record(_ record: FootprintRecord, for key: String, model: String) {
        writeRecord(record, to: footprintPath(for: key, model: model), what: "the footprint")
    }
}
