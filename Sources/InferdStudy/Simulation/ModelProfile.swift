import Foundation

/// Per-model costs for the simulator: resident bytes, load (read + compile) ms and compute ms.
/// `inferctl bench` writes one from measurements; a person can also write it by hand.
///
/// ```json
/// {"models": {"squeezenet": {"bytes": 31457280, "load_ms": 120.5, "compute_ms": 4.2}}}
/// ```
public struct ModelProfile: Codable, Sendable, Equatable {
    public struct Costs: Codable, Sendable, Equatable {
        public var bytes: Int64
        public var loadMilliseconds: Double
        public var computeMilliseconds: Double

        public init(bytes: Int64, loadMilliseconds: Double, computeMilliseconds: Double) {
            self.bytes = bytes
            self.loadMilliseconds = loadMilliseconds
            self.computeMilliseconds = computeMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case bytes
            case loadMilliseconds = "load_ms"
            case computeMilliseconds = "compute_ms"
        }
    }

    public var models: [String: Costs]

    public init(models: [String: Costs]) { self.models = models }

    /// Reads a profile file.
    public static func load(_ path: String) throws(TraceError) -> ModelProfile {
        guard let data = FileManager.default.contents(atPath: path) else { throw TraceError("cannot read profile \(path)") }
        do {
            return try JSONDecoder().decode(ModelProfile.self, from: data)
        } catch {
            throw TraceError("profile \(path) is not {\"models\": {name: {bytes, load_ms, compute_ms}}}: \(error)")
        }
    }

    /// Costs of `model`; throws when the profile lacks it.
    public func costs(_ model: String) throws(TraceError) -> Costs {
        guard let costs = models[model] else {
            throw TraceError("the profile has no costs for model \(model); profiled: \(models.keys.sorted().joined(separator: ", "))")
        }
        return costs
    }
}
