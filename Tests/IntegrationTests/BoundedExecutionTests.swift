import Core
import InferdWire
import Foundation
import Testing

extension DaemonTests {
    /// Bounded, isolated execution (issue #12): a remote that never answers does not stall local
    /// requests, offloaded requests are answered by their deadline, and a full compute queue answers
    /// 503 with `Retry-After`. Behaviour with generous bounds, never timings.
    @Suite struct BoundedExecution {
        /// A TCP listener that completes handshakes (the kernel does) and never reads or answers: a
        /// remote that hangs. Returns its port; the socket closes when `body` returns.
        static func withHungRemote<T>(_ body: (Int) async throws -> T) async throws -> T {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            #expect(bound && listen(fd, 512) == 0)
            return try await body(Int(UInt16(bigEndian: address.sin_port)))
        }

        /// One classify request and its time from connecting to the last byte of the answer (timed on
        /// the worker thread, so a test process slow to start 40 blocking exchanges is not counted).
        static func classify(_ daemon: DaemonProcess, _ model: String, offload: String) async throws -> (RawHTTP.Response, Double) {
            let image = try DaemonProcess.sampleBytes("chelsea.jpg")
            let target = "/v1/models/\(model)/classify?top=1&offload=\(offload)"
            return try await RawHTTP.offPool {
                let watch = Stopwatch()
                let connection = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 300)
                defer { connection.close() }
                try connection.write(RawHTTP.request(method: "POST", path: target, headers: ["Connection": "close"], body: image))
                return (try connection.readResponse(), watch.elapsedMilliseconds)
            }
        }

        @Test func aHungRemoteNeitherDelaysWarmLocalRequestsNorHoldsOffloadsPastTheirDeadline() async throws {
            let timeoutMs = 5000.0
            try await Self.withHungRemote { port in
                let daemon = try await DaemonProcess.start(
                    arguments: ["--offload-remote", "http://127.0.0.1:\(port)", "--offload", "auto"],
                    environment: ["INFERD_OFFLOAD_TIMEOUT_MS": "\(Int(timeoutMs))", "INFERD_OFFLOAD_MAX_IN_FLIGHT": "4"])
                let model = "squeezenet"
                #expect(try await Self.classify(daemon, model, offload: "never").0.status == 200, "warm here")

                // 40 requests sent to the hung remote at once (main took 17 s per warm request with these).
                let offloads = Task {
                    try await withThrowingTaskGroup(of: (RawHTTP.Response, Double).self) { group in
                        for _ in 0..<40 { group.addTask { try await Self.classify(daemon, model, offload: "always") } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                for _ in 0..<5 {
                    let (local, ms) = try await Self.classify(daemon, model, offload: "never")
                    #expect(local.status == 200, "\(local.text)")
                    // main's blocking offload made these wait for the remote's timeout (17 s with 40 offloads)
                    #expect(ms < timeoutMs * 0.6, "a warm request here waited \(ms) ms behind the hung remote")
                    #expect(try local.json(ClassifyResponse.self).placement?.side == .local)
                }

                let answers = try await offloads.value
                #expect(answers.count == 40)
                for (response, ms) in answers {
                    // By the deadline: timeout_ms for the remote, a tenth more to start here; generous slack
                    // for a loaded test machine (main answered these after minutes).
                    #expect(ms < timeoutMs * 1.1 + 4000, "an offloaded request was answered after \(ms) ms")
                    if response.status == 503 {
                        #expect(response.header("Retry-After") != nil, "a 503 says when to retry")
                        #expect(try response.json(ErrorBody.self).code == .overloaded)
                    } else {
                        #expect(response.status == 200, "\(response.text)")
                        let placement = try #require(try response.json(ClassifyResponse.self).placement)
                        #expect(placement.side == .local, "ran here after the remote failed or while it was backing off")
                        #expect(placement.fallback || placement.reason.contains("failed recently"), "\(placement.reason)")
                    }
                }
                #expect(answers.contains { $0.0.status == 200 }, "requests the remote failed ran here")
                let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
                #expect((status.offload?.remotes.first?.failures ?? 0) >= 1, "the hung remote's timeouts are counted")
                #expect(try await daemon.stop() == 0)
            }
        }

        @Test func aFullComputeQueueAnswers503WithRetryAfter() async throws {
            // No queue at all: while every compute worker (decoding) or every infer request of the
            // model is busy, a request is refused at once, whichever of the two bounds it meets. No
            // throughput companion: its infer requests would raise the model's bound mid-burst.
            let daemon = try await DaemonProcess.start(environment: ["INFERD_MAX_QUEUED": "0", "INFERD_QUEUE_LIMIT": "0",
                                                                     "INFERD_ADAPTIVE_STREAMS": "off"])
            let model = "squeezenet"
            #expect(try await Self.classify(daemon, model, offload: "never").0.status == 200)
            // A big photo (its decode holds a worker for milliseconds) and many requests, so they
            // overlap even when a busy machine starts the clients one by one.
            let image = try DaemonProcess.sampleBytes("groups/2160x3840/chelsea.jpg")
            // A machine busy with other suites may still start them one by one: a few bursts (bounded).
            var answers: [RawHTTP.Response] = []
            for _ in 0..<4 where !answers.contains(where: { $0.status == 503 }) {
                answers += try await withThrowingTaskGroup(of: RawHTTP.Response.self) { group in
                    for _ in 0..<64 {
                        group.addTask { try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/classify", body: image) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let refused = answers.filter { $0.status == 503 }
            #expect(!refused.isEmpty, "\(answers.count) requests in bursts of 64 on \(ProcessInfo.processInfo.activeProcessorCount) workers with no queue")
            #expect(answers.allSatisfy { $0.status == 200 || $0.status == 503 })
            for response in refused {
                #expect(Int(response.header("Retry-After") ?? "") ?? 0 >= 1)
                let body = try response.json(ErrorBody.self)
                #expect(body.code == .overloaded && (body.error.contains("busy") || body.error.contains("queue")), "\(body.error)")
            }
            // Every refusal is counted where it happened: the compute pool's queue (status → pools)
            // or the model's inference queue (models → inference).
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            let compute = try #require(status.pools?.first { $0.name == "compute" }, "\(status.pools ?? [])")
            #expect(compute.queueLimit == 0 && compute.queued == 0 && compute.running == 0 && compute.admitted >= 1)
            #expect(compute.refusedDeadline == 0)
            #expect(status.pools?.contains { $0.name == "loader" } == true)
            let models = try await RawHTTP.get(socket: daemon.socketPath, "/v1/models").json(ModelList.self)
            let queueRefusals = models.models.first { $0.name == model }?.inference?.rejected ?? 0
            #expect(compute.refusedQueueFull + queueRefusals == refused.count,
                    "pool \(compute.refusedQueueFull) + model queue \(queueRefusals) vs \(refused.count) answers 503")
            let metrics = try await RawHTTP.get(socket: daemon.socketPath, "/metrics").text
            #expect(metrics.contains("inferd_pool_refused_total{pool=\"compute\",reason=\"queue_full\"} \(compute.refusedQueueFull)"), "\(metrics)")
            #expect(try await Self.classify(daemon, model, offload: "never").0.status == 200, "served again once the burst is over")
            #expect(try await daemon.stop() == 0)
        }
    }
}
