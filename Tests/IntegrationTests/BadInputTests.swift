import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// Every bad input gets its status and a JSON error, and the daemon keeps serving afterwards.
    @Suite struct BadInput {
        @Test func badImagesUnknownModelsAndRoutes() async throws {
            let daemon = try await DaemonProcess.start()
            let images: [(String, Int, InferdError.Code)] = [
                ("bad/empty.jpg", 400, .badImage),
                ("bad/truncated.jpg", 400, .badImage),
                ("bad/corrupt.jpg", 400, .badImage),
                ("bad/not-an-image.jpg", 415, .unsupportedMediaType),
                ("bad/huge-dims.jpg", 413, .tooLarge),
                ("bad/huge-dims.png", 413, .tooLarge),
            ]
            for (sample, status, code) in images {
                let response = try await API.classify(daemon, sample: sample)
                #expect(response.status == status, "\(sample): \(response.status) \(response.text)")
                let error = try response.json(ErrorBody.self)
                #expect(error.code == code, "\(sample): \(error)")
                #expect(!error.error.isEmpty)
                #expect(response.header("content-type") == "application/json")
                try await API.expectServing(daemon, after: sample)
            }

            let unknown = try await API.classify(daemon, model: "no-such-model", sample: "coffee.jpg")
            #expect(unknown.status == 404)
            #expect(try unknown.json(ErrorBody.self).code == .unknownModel)
            try await API.expectServing(daemon, after: "unknown model")

            for top in ["0", "abc", "100000"] {
                let response = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/efficientnet-lite0/classify?top=\(top)",
                                                      body: try DaemonProcess.sampleBytes("coffee.jpg"))
                #expect(response.status == 400, "top=\(top): \(response.text)")
            }

            let route = try await RawHTTP.get(socket: daemon.socketPath, "/v3/nothing")
            #expect(route.status == 404)
            #expect(try route.json(ErrorBody.self).code == .notFound)
            let method = try await RawHTTP.send(socket: daemon.socketPath, method: "DELETE", path: "/v1/models/squeezenet")
            #expect(method.status == 405)
            #expect(method.header("allow") == "GET")
            let getClassify = try await RawHTTP.get(socket: daemon.socketPath, "/v1/models/squeezenet/classify")
            #expect(getClassify.status == 405)

            let keepAlive = try await RawHTTP.send(socket: daemon.socketPath, method: "PUT", path: "/v1/models/squeezenet/keep-alive",
                                                   body: Array("{\"seconds\": \"soon\"}".utf8))
            #expect(keepAlive.status == 400)
            let trim = try await RawHTTP.post(socket: daemon.socketPath, "/v1/trim?level=extreme")
            #expect(trim.status == 400)

            // Malformed HTTP is answered 400 (JSON, like every error) and the connection closed.
            let garbage = try await RawHTTP.offPool {
                let connection = try RawHTTP.Connection(socket: daemon.socketPath)
                try connection.write("THIS IS NOT HTTP\r\n\r\n")
                return try connection.readResponse()
            }
            #expect(garbage.status == 400)
            #expect(try garbage.json(ErrorBody.self).code == .badRequest)
            #expect(garbage.header("connection")?.lowercased() == "close")
            let badChunk = try await RawHTTP.offPool {
                let connection = try RawHTTP.Connection(socket: daemon.socketPath)
                try connection.write("POST /v1/models/squeezenet/classify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n")
                return try connection.readResponse().status
            }
            #expect(badChunk == 400)
            try await API.expectServing(daemon, after: "malformed HTTP")

            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            #expect(status.counters.errors >= images.count + 1)
            #expect(try await daemon.stop() == 0)
        }

        @Test func loadFailureIs500WithOpenVINOsReason() async throws {
            // A models directory with one good and one corrupt bundle.
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-models-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createSymbolicLink(atPath: directory + "/squeezenet", withDestinationPath: DaemonProcess.modelsDirectory + "/squeezenet")
            try FileManager.default.createSymbolicLink(atPath: directory + "/corrupt-model", withDestinationPath: DaemonProcess.sample("bad/corrupt-model"))

            let daemon = try await DaemonProcess.start(arguments: ["--models", directory])
            let response = try await API.classify(daemon, model: "corrupt-model", sample: "coffee.jpg")
            #expect(response.status == 500, "\(response.text)")
            let error = try response.json(ErrorBody.self)
            #expect(error.code == .loadFailed)
            #expect(error.error.contains("corrupt-model"))
            #expect(error.error.lowercased().contains("read model") || error.error.lowercased().contains("onnx"), "OpenVINO's reason: \(error.error)")
            let summary = try await API.summary(daemon, "corrupt-model")
            #expect(summary.state == .failed)
            #expect(summary.failure != nil)
            #expect(summary.inFlight == 0)

            let good = try await API.classify(daemon, model: "squeezenet", sample: "coffee.jpg")
            #expect(good.status == 200)
            #expect(try await daemon.stop() == 0)
        }

        @Test func aModelThatCanNeverFitIs507() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--memory-budget", "100M"])
            let response = try await API.classify(daemon, model: "alexnet", sample: "coffee.jpg")
            #expect(response.status == 507, "\(response.text)")
            #expect(try response.json(ErrorBody.self).code == .insufficientMemory)
            #expect(try await API.summary(daemon, "alexnet").inFlight == 0)
            try await API.expectServing(daemon, after: "507")
            #expect(try await daemon.stop() == 0)
        }

        @Test func bodiesOverTheLimitAreRefusedBeforeTheUploadFinishes() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--max-body-bytes", "1M"])
            let path = "/v1/models/efficientnet-lite0/classify"

            // Declared too large: the answer comes before any body byte is sent.
            let declared = try await RawHTTP.offPool {
                let connection = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 60)
                try connection.write("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 10000000\r\n\r\n")
                let response = try connection.readResponse()
                return (response, connection.readUntilClosed())
            }
            #expect(declared.0.status == 413, "\(declared.0.text)")
            #expect(try declared.0.json(ErrorBody.self).code == .tooLarge)
            #expect(declared.0.header("connection")?.lowercased() == "close")
            #expect(declared.1, "the connection is closed after a 413")

            // Chunked: refused once the limit is crossed, while the client is still sending.
            let chunked = try await RawHTTP.offPool { () throws -> (Int, Int) in
                let connection = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 60)
                try connection.write("POST \(path) HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: 0xFF, count: 0x10000) + Array("\r\n".utf8)
                var sent = 0
                do {
                    for _ in 0..<64 {  // 4 MiB, four times the limit
                        try connection.write(chunk)
                        sent += 1
                    }
                } catch {
                    // The server closed its side after answering 413: expected.
                }
                return (try connection.readResponse().status, sent)
            }
            #expect(chunked.0 == 413)
            #expect(chunked.1 < 64, "the server stopped reading before the whole upload was sent")

            // Expect: 100-continue with a too-large declared size: 413 instead of 100.
            let expect = try await RawHTTP.send(socket: daemon.socketPath, method: "POST", path: path,
                                                headers: ["Content-Length": "5000000", "Expect": "100-continue"], body: [])
            #expect(expect.status == 413)

            // Just under the limit is fine (and a 413 left nothing behind).
            try await API.expectServing(daemon, after: "oversized bodies")
            let models = try await API.models(daemon)
            #expect(models.allSatisfy { $0.inFlight == 0 })
            #expect(try await daemon.stop() == 0)
        }

        @Test func configurationFileEnvironmentAndFlags() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-config-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let file = directory + "/inferd.toml"
            try """
            # a test configuration
            [limits]
            max_top_k = 3
            default_top_k = 2

            [lifecycle]
            policy = "lfu"
            memory_budget = "2G"
            """.write(toFile: file, atomically: true, encoding: .utf8)

            // File values apply; a flag overrides the file (policy), the environment fills in between.
            let daemon = try await DaemonProcess.start(arguments: ["--config", file, "--policy", "gdsf"],
                                                       environment: ["INFERD_MAX_TOP_K": "4"])
            let four = try await API.classify(daemon, sample: "coffee.jpg", top: 4)
            #expect(four.status == 200, "env raised max_top_k to 4: \(four.text)")
            #expect(try await API.classify(daemon, sample: "coffee.jpg", top: 5).status == 400)
            #expect(try four.json(ClassifyResponse.self).labels.count == 4)
            #expect(try await API.classified(daemon, sample: "coffee.jpg").labels.count == 2, "default_top_k from the file")
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            #expect(status.policy == "gdsf")
            #expect(status.budgetBytes == 2 << 30)
            #expect(try await daemon.stop() == 0)
        }

        @Test(arguments: [
            (["--precision", "f64"], "precision"),
            (["--memory-budget=-5G"], "memory budget"),
            (["--memory-budget", "150%"], "memory budget"),
            (["--policy", "random"], "policy"),
            (["--threads", "many"], "engine.threads"),
            (["--max-body-bytes", "0"], "max_body_bytes"),
            (["--preload", "no-such-model"], "no-such-model"),
            (["--models", "/nonexistent/models"], "models directory"),
            (["--no-such-flag"], "no-such-flag"),
            (["--config", "BROKEN_TOML"], "TOML"),
            (["--config", "UNKNOWN_KEY"], "unknown setting"),
        ])
        func badConfigurationExits2WithAMessage(arguments: [String], mentions: String) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-bad-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var arguments = arguments
            if arguments.last == "BROKEN_TOML" {
                try "[limits\nmax_top_k = ".write(toFile: directory + "/broken.toml", atomically: true, encoding: .utf8)
                arguments[arguments.count - 1] = directory + "/broken.toml"
            } else if arguments.last == "UNKNOWN_KEY" {
                try "[engine]\nthreds = 2\n".write(toFile: directory + "/typo.toml", atomically: true, encoding: .utf8)
                arguments[arguments.count - 1] = directory + "/typo.toml"
            }
            let daemon = try DaemonProcess.launch(arguments: arguments)
            let status = try await daemon.waitForExit(timeout: 60)
            #expect(status == 2, "\(arguments): exit \(status)\n\(daemon.stderrLog)")
            #expect(daemon.stderrLog.contains(mentions), "\(arguments): \(daemon.stderrLog)")
            #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "no socket left behind")
        }
    }
}
