import Foundation
import InferdWire
import Testing

extension DaemonTests {
    /// `--listen tcp://…`: the same API over TCP, admin calls only with the bearer token.
    @Suite struct TCPListener {
        static let token = "test-admin-token-0123456789abcdef"

        /// A daemon with a TCP listener on a port the kernel picks, and its `tcp://127.0.0.1:PORT`.
        static func daemonWithTCP(token: String?) async throws -> (DaemonProcess, String) {
            var arguments = ["--listen", "tcp://127.0.0.1:0"]
            var tokenFile: String?
            if let token {
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-token-\(UUID().uuidString)").path
                try Data((token + "\n").utf8).write(to: URL(fileURLWithPath: path))
                tokenFile = path
                arguments += ["--admin-token-file", path]
            }
            let daemon = try await DaemonProcess.start(arguments: arguments)
            if let tokenFile { try? FileManager.default.removeItem(atPath: tokenFile) }
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            let listeners = try #require(status.listeners)
            #expect(listeners.first == "unix:" + daemon.socketPath)
            let tcp = try #require(listeners.first { $0.hasPrefix("tcp://127.0.0.1:") }, "listeners: \(listeners)")
            #expect(!tcp.hasSuffix(":0"), "the bound port is reported, not 0")
            return (daemon, tcp)
        }

        @Test func classifyOverTCPAnswersLikeTheUnixSocket() async throws {
            let (daemon, tcp) = try await Self.daemonWithTCP(token: nil)
            let image = try DaemonProcess.sampleBytes("chelsea.jpg")
            let overTCP = try await RawHTTP.post(socket: tcp, "/v1/models/efficientnet-lite0/classify?top=3", body: image)
            #expect(overTCP.status == 200, "\(overTCP.text)")
            let overUnix = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/efficientnet-lite0/classify?top=3", body: image)
            let a = try overTCP.json(ClassifyResponse.self), b = try overUnix.json(ClassifyResponse.self)
            #expect(a.labels.map(\.index) == b.labels.map(\.index))
            #expect(API.isCat(a.labels[0].label))
            #expect(a.cold && !b.cold, "one model, two listeners: the second request is warm")
            // Read-only and OIP calls are open over TCP too.
            #expect(try await RawHTTP.get(socket: tcp, "/v2/health/ready").status == 200)
            #expect(try await RawHTTP.get(socket: tcp, "/v2/models/efficientnet-lite0").status == 200)
            #expect(try await RawHTTP.get(socket: tcp, "/v1/models").status == 200)
            #expect(try await daemon.stop() == 0)
        }

        @Test func adminCallsOverTCPNeedTheToken() async throws {
            let (daemon, tcp) = try await Self.daemonWithTCP(token: Self.token)
            let none = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v1/models/squeezenet/load")
            #expect(none.status == 403 && none.text.contains("Authorization: Bearer"), "\(none.text)")
            let wrong = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v1/models/squeezenet/load",
                                               headers: ["Authorization": "Bearer " + Self.token.dropLast() + "X"])
            #expect(wrong.status == 403 && wrong.text.contains("wrong"), "\(wrong.text)")
            let prefix = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v1/models/squeezenet/load",
                                                headers: ["Authorization": "Bearer " + Self.token.dropLast()])
            #expect(prefix.status == 403, "a prefix of the token is not the token")
            #expect(try await API.summary(daemon, "squeezenet").state == .cold, "refused calls did nothing")

            let right = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v1/models/squeezenet/load",
                                               headers: ["Authorization": "Bearer " + Self.token])
            #expect(right.status == 200, "\(right.text)")
            #expect(try await API.summary(daemon, "squeezenet").state == .warm)
            let repository = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v2/repository/models/squeezenet/unload",
                                                    headers: ["authorization": "bearer " + Self.token])
            #expect(repository.status == 200, "the scheme is case-insensitive: \(repository.text)")
            #expect(try await daemon.stop() == 0)
            #expect(daemon.stderrLog.contains("access-denied") || daemon.stderrLog.contains("refused"))
        }

        @Test func withoutATokenAdminCallsOverTCPAreRefusedButTheSocketStillWorks() async throws {
            let (daemon, tcp) = try await Self.daemonWithTCP(token: nil)
            let refused = try await RawHTTP.send(socket: tcp, method: "POST", path: "/v1/trim",
                                                 headers: ["Authorization": "Bearer " + Self.token])
            #expect(refused.status == 403 && refused.text.contains("admin_token_file"), "\(refused.text)")
            #expect(try await RawHTTP.post(socket: daemon.socketPath, "/v1/trim").status == 200, "root on the Unix socket is admin")
            #expect(try await daemon.stop() == 0)
        }

        /// Throws unless the server closes `connection` (end of stream) within the connection's timeout.
        static func expectClosedByServer(_ connection: RawHTTP.Connection, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let outcome: String = try await RawHTTP.offPool {
                do {
                    _ = try connection.readResponse()
                    return "an answer"
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcome.contains("connection closed"), "expected the server to close the connection, got: \(outcome)",
                    sourceLocation: sourceLocation)
        }

        @Test func silentConnectionsAreClosedButSlowAnswersAreNot() async throws {
            let daemon = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0", "--idle-timeout", "0.2"])
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            let tcp = try #require(status.listeners?.first { $0.hasPrefix("tcp://") })

            // Opens a connection and never speaks: closed after the idle timeout (this side's read timeout is 10 s).
            let silent = try RawHTTP.Connection(socket: tcp, timeout: 10)
            try await Self.expectClosedByServer(silent)
            // Stalls mid-request: half a head, then nothing.
            let stalled = try RawHTTP.Connection(socket: tcp, timeout: 10)
            try stalled.write("POST /v1/models/squeezenet/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nabc")
            try await Self.expectClosedByServer(stalled)
            // Trickles its head a byte at a time, faster than the idle timeout: the request's own deadline
            // (the idle timeout, from its first byte) closes it.
            let trickle = try RawHTTP.Connection(socket: tcp, timeout: 10)
            let trickled: String = try await RawHTTP.offPool {
                for byte in Array("GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 200) {
                    do {
                        try trickle.write([byte])
                    } catch {
                        return "closed"
                    }
                    usleep(50_000)
                }
                return "still open after 10 s"
            }
            #expect(trickled == "closed")
            // An idle keep-alive connection after an answer, on the Unix socket too.
            let keepAlive = try RawHTTP.Connection(socket: daemon.socketPath, timeout: 10)
            try keepAlive.write(RawHTTP.request(method: "GET", path: "/v1/status"))
            #expect(try await RawHTTP.offPool { try keepAlive.readResponse().status } == 200)
            try await Self.expectClosedByServer(keepAlive)

            // A cold AlexNet load (parsing 244 MB of ONNX) takes far longer than 0.2 s: the connection
            // waiting for it is owed an answer, and gets it.
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            let slow = try await RawHTTP.post(socket: tcp, "/v1/models/alexnet/classify?top=1", body: image)
            #expect(slow.status == 200, "\(slow.text)")
            #expect(try slow.json(ClassifyResponse.self).cold)
            #expect(try await daemon.stop() == 0)
        }

        @Test func badListenAddressesAndBusyPortsAreStartupErrors() async throws {
            let bad = try DaemonProcess.launch(arguments: ["--listen", "https://0.0.0.0:443"])
            #expect(try await bad.waitForExit() == 2)
            #expect(bad.stderrLog.contains("server.listen") && bad.stderrLog.contains("TLS"), "\(bad.stderrLog)")

            let shortToken = FileManager.default.temporaryDirectory.appendingPathComponent("short-\(UUID().uuidString)").path
            try Data("short\n".utf8).write(to: URL(fileURLWithPath: shortToken))
            defer { try? FileManager.default.removeItem(atPath: shortToken) }
            let weak = try DaemonProcess.launch(arguments: ["--listen", "tcp://:0", "--admin-token-file", shortToken])
            #expect(try await weak.waitForExit() == 2)
            #expect(weak.stderrLog.contains("at least 16"), "\(weak.stderrLog)")

            let (first, tcp) = try await Self.daemonWithTCP(token: nil)
            let busy = try DaemonProcess.launch(arguments: ["--listen", tcp])
            #expect(try await busy.waitForExit() == 3)
            #expect(busy.stderrLog.contains("already listening"), "\(busy.stderrLog)")
            #expect(try await first.stop() == 0)
        }
    }
}
