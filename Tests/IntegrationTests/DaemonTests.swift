import Foundation
import InferdWire
import Testing

/// Tests of the real `inferd` binary over its Unix socket, with the prepared models and photos.
///
/// Serialized: each test starts its own daemon, and model compiles on two shared cores are slow
/// enough without several daemons competing. No test asserts on durations.
@Suite(.serialized) struct DaemonTests {}

/// Small shared helpers for the daemon tests.
enum API {
    /// `POST /v1/models/{model}/classify` with a sample photo.
    static func classify(_ daemon: DaemonProcess, model: String = "efficientnet-lite0", sample: String,
                         top: Int? = nil) async throws -> RawHTTP.Response {
        let query = top.map { "?top=\($0)" } ?? ""
        return try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/classify\(query)",
                                      body: try DaemonProcess.sampleBytes(sample), contentType: "image/jpeg")
    }

    /// Classifies `sample` and decodes the answer, failing the test on any other status.
    static func classified(_ daemon: DaemonProcess, model: String = "efficientnet-lite0", sample: String,
                           top: Int? = nil) async throws -> ClassifyResponse {
        let response = try await classify(daemon, model: model, sample: sample, top: top)
        try #require(response.status == 200, "\(sample): \(response.status) \(response.text)")
        return try response.json(ClassifyResponse.self)
    }

    /// `GET /v1/models/{name}`.
    static func summary(_ daemon: DaemonProcess, _ name: String) async throws -> ModelSummary {
        let response = try await RawHTTP.get(socket: daemon.socketPath, "/v1/models/\(name)")
        try #require(response.status == 200, "\(response.status) \(response.text)")
        return try response.json(ModelSummary.self)
    }

    /// `GET /v1/models`.
    static func models(_ daemon: DaemonProcess) async throws -> [ModelSummary] {
        let response = try await RawHTTP.get(socket: daemon.socketPath, "/v1/models")
        try #require(response.status == 200, "\(response.status) \(response.text)")
        return try response.json(ModelList.self).models
    }

    /// Polls `GET /v1/models/{name}` until `condition` holds (bounded by `timeout` seconds).
    static func waitFor(_ daemon: DaemonProcess, _ name: String, timeout: Double = 120,
                        _ condition: (ModelSummary) -> Bool) async throws -> ModelSummary {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let summary = try await summary(daemon, name)
            if condition(summary) { return summary }
            guard Date() < deadline else {
                Issue.record("condition on \(name) not met in \(timeout) s; last: \(summary)")
                return summary
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A good request succeeds (the daemon still serves).
    static func expectServing(_ daemon: DaemonProcess, after what: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let response = try await classify(daemon, sample: "coffee.jpg", top: 1)
        #expect(response.status == 200, "after \(what): \(response.status) \(response.text)", sourceLocation: sourceLocation)
    }

    /// True for a label a cat photo may get.
    static func isCat(_ label: String) -> Bool {
        ["tabby", "tiger cat", "Egyptian cat"].contains { label.hasPrefix($0) }
    }
}
