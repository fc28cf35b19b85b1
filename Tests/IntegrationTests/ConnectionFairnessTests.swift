import InferdWire
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Fair connections and whole answers: one client's idle connections cannot keep others out (the
/// rest get an immediate 503 with Retry-After), an answer far larger than a socket buffer arrives
/// whole when the connection closes after it, and an oversized upload gets exactly one answer.
@Suite(.serialized) struct ConnectionFairnessTests {
    /// An OIP request whose answer is over 1 MB: the request `id` is echoed.
    static func largeAnswerRequest(idBytes: Int, connection: String) throws -> [UInt8] {
        let request = OpenInference.InferenceRequest(id: String(repeating: "x", count: idBytes), inputs: [
            .init(name: "input", shape: [1, 8, 8, 3], datatype: "UINT8", data: .init([Double](repeating: 128, count: 8 * 8 * 3))),
        ])
        return RawHTTP.request(method: "POST", path: "/v2/models/squeezenet/infer",
                               headers: ["Content-Type": "application/json", "Connection": connection],
                               body: Array(try JSONEncoder().encode(request)))
    }

    @Test func aOneMegabyteAnswerArrivesWholeOverTheSocketAndTCP() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
        let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
        let tcp = try #require(status.listeners?.first { $0.hasPrefix("tcp://") })
        let idBytes = 1 << 20
        for endpoint in [daemon.socketPath, tcp] {
            for connection in ["close", "keep-alive"] {
                let answer = try await RawHTTP.offPool { () throws -> RawHTTP.Response in
                    let client = try RawHTTP.Connection(socket: endpoint, timeout: 120)
                    defer { client.close() }
                    try client.write(try Self.largeAnswerRequest(idBytes: idBytes, connection: connection))
                    // Read late, so the daemon has long finished writing (and, with close, closing).
                    Thread.sleep(forTimeInterval: 0.5)
                    return try client.readResponse()
                }
                #expect(answer.status == 200, "\(endpoint) \(connection): \(answer.text.prefix(300))")
                #expect(answer.body.count > idBytes, "\(endpoint) \(connection): \(answer.body.count) bytes")
                let decoded = try answer.json(OpenInference.InferenceResponse.self)
                #expect(decoded.id?.count == idBytes && decoded.outputs.first?.shape == [1, 1000])
            }
        }
        #expect(try await daemon.stop() == 0)
    }

    @Test func sixHundredIdleConnectionsFromOneClientDoNotKeepAnotherOut() async throws {
        // The flood comes from 127.0.0.2 (bound as its source address), the other client from 127.0.0.1.
        let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
        let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
        let listener = try #require(status.listeners?.first { $0.hasPrefix("tcp://") })
        let port = try #require(listener.split(separator: ":").last.map(String.init))
        var flood: [RawHTTP.Connection] = []
        defer { for connection in flood { connection.close() } }
        for _ in 0..<600 { flood.append(try RawHTTP.Connection(socket: "tcp://127.0.0.1:\(port)", timeout: 10, source: "127.0.0.2")) }

        // Another client is served at once.
        let other = try await RawHTTP.get(socket: "tcp://127.0.0.1:\(port)", "/v1/models")
        #expect(other.status == 200, "\(other.text)")
        // The flood's latest connection was answered 503 with Retry-After and the reason, not closed silently.
        let refused = try await RawHTTP.offPool { [last = flood.last!] in try last.readResponse() }
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.text.contains("127.0.0.2") && refused.text.contains("\"code\":\"overloaded\""), "\(refused.text)")
        // Refusals are logged, but not one line per refusal.
        let lines = daemon.stderrLog.split(separator: "\n").filter { $0.contains("connection(s)") && $0.contains("503") }
        #expect(!lines.isEmpty && lines.count < 10, "\(lines.count) refusal lines")
        for connection in flood { connection.close() }
        flood.removeAll()
        #expect(try await daemon.stop() == 0)
    }

    @Test func anOversizedUploadThatIsHalfClosedGetsExactlyOneAnswer() async throws {
        let daemon = try await DaemonProcess.start(arguments: ["--max-body-bytes", "1M"])
        let (first, second) = try await RawHTTP.offPool { () throws -> (RawHTTP.Response, String) in
            let client = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 30)
            defer { client.close() }
            try client.write("POST /v1/models/squeezenet/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\nabcdef")
            client.shutdownWrite()
            let answer = try client.readResponse()
            do {
                let extra = try client.readResponse()
                return (answer, "a second answer: \(extra.status) \(extra.text)")
            } catch {
                return (answer, "\(error)")
            }
        }
        #expect(first.status == 413, "\(first.text)")
        #expect(second.contains("connection closed before a complete response head (0 bytes)"), "\(second)")
        #expect(try await daemon.stop() == 0)
    }
}
