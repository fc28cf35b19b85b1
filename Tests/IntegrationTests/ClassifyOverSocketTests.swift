import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// Classification through the daemon: right labels, cold then warm, raw HTTP and curl.
    @Suite struct ClassifyOverSocket {
        @Test func realPhotosColdThenWarm() async throws {
            let daemon = try await DaemonProcess.start()

            let first = try await API.classified(daemon, sample: "chelsea.jpg", top: 5)
            #expect(first.cold, "first request on a fresh daemon must be a cold start")
            #expect(first.timings.load > 0)
            #expect(first.timings.read != nil && first.timings.compile != nil)
            #expect(first.labels.count == 5)
            #expect(first.labels.contains { API.isCat($0.label) }, "\(first.labels)")
            #expect(first.image.width == 451 && first.image.height == 300)
            #expect(first.image.bytes == (try DaemonProcess.sampleBytes("chelsea.jpg")).count)
            #expect(first.timings.total >= first.timings.load + first.timings.compute)

            let second = try await API.classified(daemon, sample: "coffee.jpg", top: 3)
            #expect(!second.cold)
            #expect(second.timings.load == 0)
            #expect(second.timings.queue == 0)
            #expect(second.labels.first?.label == "espresso", "\(second.labels)")
            #expect(second.timings.decode > 0 && second.timings.compute > 0)

            let rocket = try await API.classified(daemon, sample: "rocket.jpg")
            #expect(!rocket.cold)
            #expect(rocket.labels.count == 5, "default top is 5")
            #expect(rocket.labels.contains { ["missile", "projectile", "space shuttle"].contains(where: $0.label.hasPrefix) }, "\(rocket.labels)")

            let png = try await API.classified(daemon, sample: "chelsea.png", top: 5)
            #expect(png.labels.contains { API.isCat($0.label) }, "\(png.labels)")

            // A 4K JPEG is decoded at a DCT scale, not full size.
            let big = try await API.classified(daemon, sample: "groups/2160x3840/coffee.jpg", top: 1)
            #expect(big.image.width * big.image.height == 2160 * 3840)
            #expect((big.image.decodedWidth ?? 0) < big.image.width)
            #expect(big.labels.first?.label == "espresso")

            let summary = try await API.summary(daemon, "efficientnet-lite0")
            #expect(summary.state == .warm)
            #expect(summary.loads == 1)
            #expect(summary.coldStarts == 1)
            #expect(summary.requests == 5)
            #expect(summary.inFlight == 0)
            #expect(try await daemon.stop() == 0)
        }

        @Test func curlWorks() async throws {
            let daemon = try await DaemonProcess.start()
            let output = try await run("/usr/bin/curl", ["-sS", "--unix-socket", daemon.socketPath,
                                                         "--data-binary", "@" + DaemonProcess.sample("coffee.jpg"),
                                                         "-H", "Content-Type: image/jpeg",
                                                         "http://localhost/v1/models/efficientnet-lite0/classify?top=2"])
            let answer = try JSONDecoder().decode(ClassifyResponse.self, from: Data(output.utf8))
            #expect(answer.labels.first?.label == "espresso")
            #expect(answer.labels.count == 2)

            let live = try await run("/usr/bin/curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", daemon.socketPath,
                                                       "http://localhost/v2/health/live"])
            #expect(live == "200")
            // curl's default form content type and Expect: 100-continue on a big upload still work.
            let big = try await run("/usr/bin/curl", ["-sS", "--unix-socket", daemon.socketPath, "-H", "Expect: 100-continue",
                                                      "--data-binary", "@" + DaemonProcess.sample("groups/2160x3840/coffee.jpg"),
                                                      "http://localhost/v1/models/efficientnet-lite0/classify?top=1"])
            #expect(try JSONDecoder().decode(ClassifyResponse.self, from: Data(big.utf8)).labels.first?.label == "espresso")
            #expect(try await daemon.stop() == 0)
        }

        @Test func keepAliveConnectionServesSeveralRequests() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            let responses = try await RawHTTP.offPool { () throws -> [RawHTTP.Response] in
                let connection = try RawHTTP.Connection(socket: daemon.socketPath)
                var responses: [RawHTTP.Response] = []
                for _ in 0..<3 {
                    try connection.write(RawHTTP.request(method: "POST", path: "/v1/models/efficientnet-lite0/classify?top=1", body: image))
                    responses.append(try connection.readResponse())
                }
                // Pipelined: two requests written at once are answered in order.
                try connection.write(RawHTTP.request(method: "GET", path: "/v2/health/live") + RawHTTP.request(method: "GET", path: "/v2"))
                responses.append(try connection.readResponse())
                responses.append(try connection.readResponse())
                return responses
            }
            let statuses = responses.map(\.status)
            #expect(responses.allSatisfy { $0.header("content-length") != nil })
            #expect(responses.allSatisfy { $0.header("connection")?.lowercased() != "close" })
            #expect(responses.last?.text.contains("binary_tensor_data") == true)
            #expect(statuses == [200, 200, 200, 200, 200])
            #expect(try await daemon.stop() == 0)
        }

        /// Runs a program and returns its standard output, trimmed.
        func run(_ program: String, _ arguments: [String]) async throws -> String {
            try await RawHTTP.offPool {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: program)
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
    }
}
