import Foundation
import InferdWire
import Testing

/// `/v1` answers keep every key in every state (`null` where unknown), snake_case throughout.
@Suite struct WireKeysTests {
    static func object<T: Encodable>(_ value: T) throws -> [String: Any] {
        let data = try JSONEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func isSnakeCase(_ key: String) -> Bool { key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }

    @Test func aColdModelKeepsItsUnknownKeysAsNull() throws {
        let cold = ModelSummary(name: "m", state: .cold, priorityClass: nil, pinned: false, bytes: 1, bytesEstimated: true,
                                fileBytes: 1, lastUsed: nil, expiresAt: nil, requests: 0, coldStarts: 0, inFlight: 0, loads: 0,
                                evictions: 0, lastLoadMilliseconds: nil, failure: nil, description: nil, syntheticWeights: false)
        let json = try Self.object(cold)
        #expect(Set(json.keys) == ["name", "state", "class", "pinned", "bytes", "bytes_estimated", "footprint_bytes", "file_bytes", "last_used",
                                   "expires_at", "requests", "cold_starts", "in_flight", "loads", "evictions", "last_load_ms",
                                   "failure", "description", "synthetic_weights", "precision", "precision_choice", "performance_hint", "inference",
                                   "companion_bytes", "companion_builds"])
        for key in ["class", "footprint_bytes", "last_used", "expires_at", "last_load_ms", "failure", "description", "precision",
                    "precision_choice", "performance_hint", "inference", "companion_bytes"] {
            #expect(json[key] is NSNull, "\(key): \(json[key] ?? "missing")")
        }
        // A warm model's queue keeps its companion key too: null when the model cannot have one.
        let queue = try Self.object(InferenceQueueStatus())
        #expect(queue["companion"] is NSNull)
        #expect(Set(queue.keys).allSatisfy(Self.isSnakeCase), "\(queue.keys)")
        // It still decodes (null reads back as nil).
        #expect(try JSONDecoder().decode(ModelSummary.self, from: JSONEncoder().encode(cold)) == cold)
    }

    @Test func statusAndClassifyKeysAreAllThereAndSnakeCase() throws {
        let status = StatusResponse(version: "1", openvinoVersion: "2", pid: 1, uptimeSeconds: 1, startupMilliseconds: nil,
                                    socketActivated: false, policy: "lru", budgetBytes: 1, budgetSource: "x", usedBytes: 0,
                                    residentBytes: 0, pressure: "none", modelsWarm: 0, modelsTotal: 0, counters: .init(),
                                    catalogProblems: [], engine: EngineOptions())
        let json = try Self.object(status)
        for key in ["startup_ms", "listeners", "offload"] { #expect(json[key] is NSNull, "\(key)") }
        let engine = try #require(json["engine"] as? [String: Any])
        #expect(Set(engine.keys) == ["threads", "precision", "performance_hint", "cache_dir", "device"], "\(engine.keys)")
        #expect(engine["cache_dir"] is NSNull)

        let answer = ClassifyResponse(model: "m", cold: false, labels: [], timings: StepTimings(),
                                      image: .init(width: 1, height: 1, bytes: 1), precision: nil)
        let classify = try Self.object(answer)
        for key in ["precision", "placement", "synthetic_weights"] { #expect(classify[key] is NSNull, "\(key)") }
        let timings = try #require(classify["timings_ms"] as? [String: Any])
        #expect(timings["read"] is NSNull && timings["compile"] is NSNull)
        let image = try #require(classify["image"] as? [String: Any])
        #expect(image["decoded_width"] is NSNull)

        func keys(_ value: Any) -> [String] {
            if let object = value as? [String: Any] { return object.keys + object.values.flatMap(keys) }
            if let array = value as? [Any] { return array.flatMap(keys) }
            return []
        }
        for key in keys(json) + keys(classify) where key != "where" { #expect(Self.isSnakeCase(key), "\(key)") }
    }
}
