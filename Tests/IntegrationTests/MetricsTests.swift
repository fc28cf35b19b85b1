import Foundation
import Testing

/// The exposition of a `/metrics` scrape: series (name with labels, as written) to value.
struct Scrape {
    var series: [String: Double] = [:]
    var types: [String: String] = [:]
    var text: String

    init(_ text: String) throws {
        self.text = text
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            let space = try #require(line.lastIndex(of: " "), "no value in \(line)")
            let value = try #require(Double(line[line.index(after: space)...].replacingOccurrences(of: "+Inf", with: "inf")), "bad value in \(line)")
            series[String(line[..<space])] = value
        }
    }

    /// The value of `name{labels}` (labels in the order the daemon writes them), nil when absent.
    subscript(_ name: String, _ labels: KeyValuePairs<String, String> = [:]) -> Double? {
        series[labels.isEmpty ? name : name + "{" + labels.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"]
    }

    /// The family a sample name belongs to (`x_bucket` → `x` for histograms).
    func family(of sample: String) -> String? {
        let name = String(sample.prefix { $0 != "{" })
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return nil
    }
}

extension DaemonTests {
    @Suite struct Metrics {
        static func scrape(_ socket: String) async throws -> Scrape {
            let response = try await RawHTTP.get(socket: socket, "/metrics")
            try #require(response.status == 200, "\(response.status) \(response.text)")
            #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            return try Scrape(response.text)
        }

        @Test func aClassifyMovesTheRightSeriesOnEveryListener() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").object()
            let tcp = try #require((status["listeners"] as? [String])?.first { $0.hasPrefix("tcp://") })
            let model = "efficientnet-lite0"
            let classify: KeyValuePairs<String, String> = ["method": "POST", "route": "/v1/models/{name}/classify", "model": model,
                                                           "status": "200", "placement": "local"]
            let before = try await Self.scrape(daemon.socketPath)
            #expect(before["inferd_requests_total", classify] == nil)
            #expect(before["inferd_model_state", ["model": model, "state": "cold"]] == 1)
            #expect(before["inferd_model_resident_bytes", ["model": model]] == 0)
            #expect((before["inferd_memory_budget_bytes"] ?? before.series.first { $0.key.hasPrefix("inferd_memory_budget_bytes") }?.value ?? 0) > 0)
            for reason in ["budget", "pressure-moderate", "pressure-critical", "ttl", "manual"] {
                #expect(before["inferd_evictions_total", ["reason": reason]] == 0)
            }

            _ = try await API.classified(daemon, model: model, sample: "coffee.jpg")
            _ = try await API.classified(daemon, model: model, sample: "chelsea.jpg")
            let unknown = try await API.classify(daemon, model: "no-such-model", sample: "coffee.jpg")
            #expect(unknown.status == 404)

            // Over TCP: every listener serves /metrics.
            let after = try await Self.scrape(tcp)
            #expect(after["inferd_requests_total", classify] == 2, "\(after.text.split(separator: "\n").filter { $0.hasPrefix("inferd_requests_total") })")
            #expect(after["inferd_requests_total", ["method": "POST", "route": "/v1/models/{name}/classify", "model": "",
                                                    "status": "404", "placement": "none"]] == 1)
            #expect(after["inferd_request_duration_seconds_count", ["model": model]] == 2)
            #expect(after["inferd_request_decode_seconds_count", ["model": model]] == 2)
            #expect(after["inferd_request_compute_seconds_count", ["model": model]] == 2)
            #expect(after["inferd_request_load_seconds_count", ["model": model]] == 1, "only the first request paid the load")
            #expect((after["inferd_request_duration_seconds_sum", ["model": model]] ?? 0) > 0)
            #expect(after["inferd_model_cold_starts_total", ["model": model]] == 1)
            #expect(after["inferd_cold_starts_total"] == 1)
            #expect(after["inferd_model_load_seconds_count", ["model": model]] == 1)
            #expect(after["inferd_model_load_attempts_total", ["model": model, "result": "ok"]] == 1)
            #expect(after["inferd_model_state", ["model": model, "state": "warm"]] == 1)
            #expect((after["inferd_model_resident_bytes", ["model": model]] ?? 0) > 0)
            #expect((after["inferd_models_resident_bytes"] ?? 0) >= (after["inferd_model_resident_bytes", ["model": model]] ?? 1))
            #expect(after["inferd_models_warm"] == 1)
            #expect(after["inferd_queue_depth"] == 0)
            #expect(after["inferd_in_flight_bytes"] == 0)
            #expect(after["inferd_memory_pressure_level"] != nil)

            // Well-formed: every sample belongs to a declared family; buckets are cumulative.
            for sample in after.series.keys {
                #expect(after.family(of: sample) != nil, "\(sample) has no # TYPE")
            }
            let buckets = after.text.split(separator: "\n").filter { $0.hasPrefix("inferd_request_duration_seconds_bucket{model=\"\(model)\"") }
                .map { Double($0.split(separator: " ").last!)! }
            #expect(buckets.count == 14 && buckets == buckets.sorted() && buckets.last == 2, "\(buckets)")

            // HEAD answers like GET, without a body.
            let head = try await RawHTTP.offPool { [socket = daemon.socketPath] in
                let connection = try RawHTTP.Connection(socket: socket, timeout: 30)
                defer { connection.close() }
                try connection.write("HEAD /v1/status HTTP/1.1\r\nHost: inferd\r\nConnection: close\r\n\r\n")
                return String(decoding: try connection.readAll(), as: UTF8.self)
            }
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            #expect(head.hasSuffix("\r\n\r\n") && !head.contains("{"), "HEAD sent a body: \(head)")
            #expect(try await daemon.stop() == 0)
        }
    }
}
