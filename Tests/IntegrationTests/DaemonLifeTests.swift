import Foundation
import InferdWire
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension DaemonTests {
    /// Concurrency, clients that vanish, shutdown, and the socket file.
    @Suite struct DaemonLife {
        @Test func sixteenConcurrentFirstRequestsCauseOneLoad() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            let responses = try await withThrowingTaskGroup(of: RawHTTP.Response.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/squeezenet/classify?top=1", body: image)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count == 16)
            #expect(responses.allSatisfy { $0.status == 200 }, "\(responses.map(\.status))")
            let answers = try responses.map { try $0.json(ClassifyResponse.self) }
            #expect(answers.filter { $0.timings.load > 0 }.count == 1, "exactly one request paid the load")
            #expect(answers.contains { $0.cold })

            let summary = try await API.summary(daemon, "squeezenet")
            #expect(summary.loads == 1)
            #expect(summary.coldStarts == 1)
            #expect(summary.requests == 16)
            #expect(summary.inFlight == 0)
            #expect(try await daemon.stop() == 0)
        }

        @Test func clientVanishingMidUploadLeavesNothingBehind() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try DaemonProcess.sampleBytes("groups/2160x3840/coffee.jpg")
            for _ in 0..<5 {
                try await RawHTTP.offPool {
                    let connection = try RawHTTP.Connection(socket: daemon.socketPath)
                    try connection.write("POST /v1/models/efficientnet-lite0/classify HTTP/1.1\r\nHost: x\r\nContent-Length: \(image.count)\r\n\r\n")
                    try connection.write(Array(image.prefix(image.count / 3)))
                    connection.close()
                }
            }
            // A client that uploads everything and vanishes before the (cold, slow) answer.
            try await RawHTTP.offPool {
                let connection = try RawHTTP.Connection(socket: daemon.socketPath)
                try connection.write(RawHTTP.request(method: "POST", path: "/v1/models/alexnet/classify", body: image))
                connection.close()
            }
            let alexnet = try await API.waitFor(daemon, "alexnet") { $0.state == .warm && $0.inFlight == 0 }
            #expect(alexnet.requests == 1, "the abandoned request still ran and released its model")

            try await API.expectServing(daemon, after: "vanished clients")
            let models = try await API.models(daemon)
            #expect(models.allSatisfy { $0.inFlight == 0 }, "\(models.map { ($0.name, $0.inFlight) })")
            #expect(models.first { $0.name == "efficientnet-lite0" }?.requests == 1, "half uploads never reached the model")
            #expect(try await daemon.stop() == 0)
        }

        @Test func sigtermLetsASlowRequestFinishThenExits0() async throws {
            let daemon = try await DaemonProcess.start()
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            // A cold alexnet load takes seconds: SIGTERM arrives while it is loading.
            async let slow = RawHTTP.post(socket: daemon.socketPath, "/v1/models/alexnet/classify?top=1", body: image)
            _ = try await API.waitFor(daemon, "alexnet") { $0.state == .loading }
            daemon.signal(SIGTERM)

            let response = try await slow
            #expect(response.status == 200, "\(response.text)")
            #expect(try response.json(ClassifyResponse.self).cold)
            let status = try await daemon.waitForExit()
            #expect(status == 0, "\(daemon.stderrLog)")
            #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "the socket file is removed at exit")
            #expect(daemon.stderrLog.contains("stopped"))
        }

        @Test func readinessIs503WhileDraining() async throws {
            // A grace period no loaded machine reaches: a request cut off by it would not be the failure this looks for.
            let daemon = try await DaemonProcess.start(arguments: ["--shutdown-grace", "150s"])
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            // Keep the daemon busy with a cold alexnet load, so it cannot finish shutting down yet. On a
            // loaded machine the poll can miss the whole load (the test's tasks wait for a thread while
            // other suites hold them); then the model is unloaded and the load tried again.
            var slow: Task<RawHTTP.Response, any Error>?
            for _ in 1...3 {
                let request = Task { try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/alexnet/classify?top=1", body: image) }
                let seen = try await API.waitFor(daemon, "alexnet") { $0.state == .loading || $0.state == .warm }
                if seen.state == .loading { slow = request; break }
                #expect(try await request.value.status == 200)
                #expect(try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/alexnet/unload").status == 200)
            }
            let inFlight = try #require(slow, "alexnet's load was never seen in progress in three tries")
            let socket = daemon.socketPath
            let (before, after) = try await RawHTTP.offPool { () throws -> (Int, RawHTTP.Response) in
                let before = try RawHTTP.Connection(socket: socket)
                try before.write(RawHTTP.request(method: "GET", path: "/v2/health/ready"))
                let ready = try before.readResponse().status
                // A request whose body is still being sent when SIGTERM arrives is finished and answered.
                // Writing 4 MiB of its body returns only once the server has read most of it, so its
                // head has certainly been parsed before the signal (socket buffers are ~200 KiB).
                let half = [UInt8](repeating: 0x20, count: 4 << 20)
                let pending = try RawHTTP.Connection(socket: socket)
                let started = Date()
                func step<T>(_ name: String, _ body: () throws -> T) throws -> T {
                    do { return try body() } catch {
                        throw DaemonProcess.Failure(description: "\(name), \(Int(Date().timeIntervalSince(started) * 1000)) ms in: \(error)\n\(daemon.stderrLog)")
                    }
                }
                try step("sending the head") { try pending.write("GET /v2/health/ready HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 * half.count)\r\n\r\n") }
                try step("sending the first half") { try pending.write(half) }
                daemon.signal(SIGTERM)
                // Draining has begun once the listener refuses new connections.
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, (try? RawHTTP.Connection(socket: socket, timeout: 5)) != nil {
                    Thread.sleep(forTimeInterval: 0.01)
                }
                try step("sending the second half after SIGTERM") { try pending.write(half) }
                return (ready, try step("reading the answer") { try pending.readResponse() })
            }
            #expect(before == 200)
            #expect(after.status == 503, "\(after.text)")
            #expect(after.header("connection")?.lowercased() == "close")
            #expect(try await inFlight.value.status == 200)
            #expect(try await daemon.waitForExit() == 0)
        }

        @Test func connectionsArrivingAsTheListenerClosesAreServedOrClosedNeverDropped() async throws {
            // swift-nio drops a connection the listener accepted but had not handed over when it
            // closes (apple/swift-nio#2813), and a dropped async channel traps the process. A stop
            // under load must still exit 0 having answered or closed every connection.
            let daemon = try await DaemonProcess.start()
            let socket = daemon.socketPath
            let request = Array("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)
            let stopped = Mutex(false)
            let tally = Mutex((answered: 0, closed: 0))
            for _ in 0..<6 {
                OwnThread.start {
                    // Connect, ask, read the answer or the close, until the listener refuses.
                    while !stopped.withLock({ $0 }) {
                        guard let connection = try? RawHTTP.Connection(socket: socket, timeout: 30) else { break }
                        let answered = (try? connection.write(request)) != nil && (try? connection.readResponse())?.status == 200
                        tally.withLock { answered ? ($0.answered += 1) : ($0.closed += 1) }
                        connection.close()
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            daemon.signal(SIGTERM)
            let status = try await daemon.waitForExit()
            stopped.withLock { $0 = true }
            #expect(status == 0, "\(daemon.stderrLog)")
            #expect(!daemon.stderrLog.contains("Fatal error"), "\(daemon.stderrLog)")
            let counts = tally.withLock { $0 }
            #expect(counts.answered > 0, "the clients never reached the daemon: \(counts)")
            let caught = daemon.stderrLog.split(separator: "\n").filter { $0.contains("accepted as the listener closed") }
            print("listener closing under load: \(counts.answered) answered, \(counts.closed) closed; \(caught.first.map(String.init) ?? "no connection caught mid-handover")")
        }

        @Test func readyOnlyAfterThePreloadIsWarm() async throws {
            // DaemonProcess.start returns at the first 200 from /v2/health/ready: by then the preloaded
            // and pinned models must be warm, and their first request must not be cold.
            let daemon = try await DaemonProcess.start(arguments: ["--preload", "alexnet", "--pin", "squeezenet"])
            let alexnet = try await API.summary(daemon, "alexnet")
            #expect(alexnet.state == .warm)
            #expect(alexnet.loads == 1)
            let squeezenet = try await API.summary(daemon, "squeezenet")
            #expect(squeezenet.state == .warm)
            #expect(squeezenet.pinned)
            let first = try await API.classified(daemon, model: "alexnet", sample: "coffee.jpg")
            #expect(!first.cold)
            #expect(first.timings.load == 0)
            let status = try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
            #expect(status.modelsWarm == 2)
            #expect((status.startupMilliseconds ?? 0) > 0)
            #expect(try await daemon.stop() == 0)
        }

        @Test func staleSocketFileIsReplaced() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-stale-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/inferd.sock"
            try bindWithoutListening(path)  // what a crashed daemon leaves: a socket file nobody accepts on
            #expect(FileManager.default.fileExists(atPath: path))

            let daemon = try await DaemonProcess.start(arguments: ["--socket", path])
            #expect(try await RawHTTP.get(socket: path, "/v2/health/live").status == 200)
            #expect(daemon.stderrLog.contains("stale"))
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o660, "socket mode is 0660")
            #expect(try await daemon.stop() == 0)
        }

        @Test func liveSocketIsNotStolen() async throws {
            let first = try await DaemonProcess.start()
            let second = try DaemonProcess.launch(arguments: ["--socket", first.socketPath])
            let status = try await second.waitForExit(timeout: 60)
            #expect(status == 3, "\(second.stderrLog)")
            #expect(second.stderrLog.contains("already serving on \(first.socketPath)"), "\(second.stderrLog)")
            // The first daemon is untouched.
            #expect(try await RawHTTP.get(socket: first.socketPath, "/v2/health/ready").status == 200)
            #expect(try await first.stop() == 0)

            // A regular file at the path is not replaced either.
            let file = first.directory + "/not-a-socket"
            _ = FileManager.default.createFile(atPath: file, contents: Data("keep me".utf8))
            let third = try DaemonProcess.launch(arguments: ["--socket", file])
            #expect(try await third.waitForExit(timeout: 60) == 3)
            #expect(third.stderrLog.contains("not a socket"))
            #expect(FileManager.default.contents(atPath: file) == Data("keep me".utf8))
        }

        @Test func sighupReloadsTheCatalogKeepingWarmModels() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-reload-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createSymbolicLink(atPath: directory + "/squeezenet", withDestinationPath: DaemonProcess.modelsDirectory + "/squeezenet")

            let daemon = try await DaemonProcess.start(arguments: ["--models", directory])
            _ = try await API.classified(daemon, model: "squeezenet", sample: "coffee.jpg")
            #expect(try await API.models(daemon).map(\.name) == ["squeezenet"])

            try FileManager.default.createSymbolicLink(atPath: directory + "/efficientnet-lite0", withDestinationPath: DaemonProcess.modelsDirectory + "/efficientnet-lite0")
            daemon.signal(SIGHUP)
            let deadline = Date().addingTimeInterval(60)
            var names: [String] = []
            while Date() < deadline {
                names = try await API.models(daemon).map(\.name)
                if names.count == 2 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(names == ["efficientnet-lite0", "squeezenet"])
            #expect(try await API.summary(daemon, "squeezenet").state == .warm, "a reload keeps warm models that still exist")
            #expect(try await API.classified(daemon, sample: "coffee.jpg").labels.first?.label == "espresso")

            // POST /v1/reload does the same on request.
            try FileManager.default.removeItem(atPath: directory + "/squeezenet")
            let reloaded = try await RawHTTP.post(socket: daemon.socketPath, "/v1/reload").json(ModelList.self)
            #expect(reloaded.models.map(\.name) == ["efficientnet-lite0"])
            #expect(try await daemon.stop() == 0)
        }

        /// Binds a Unix socket at `path` and closes it without listening: a stale socket file.
        func bindWithoutListening(_ path: String) throws {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                let bytes = Array(path.utf8)
                raw.copyBytes(from: bytes)
                raw[bytes.count] = 0
            }
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard status == 0 else { throw DaemonProcess.Failure(description: "bind \(path): \(String(cString: strerror(errno)))") }
        }
    }
}
