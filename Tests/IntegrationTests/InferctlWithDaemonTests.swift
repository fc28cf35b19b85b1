import Foundation
import InferdClient
import InferdWire
import Testing

/// The real `inferctl` against the real `inferd` (each test its own daemon on a temporary socket, with
/// the prepared models): labels, cold then warm, client versus server resize, the operator commands,
/// and the exit codes of failed requests.
@Suite struct InferctlWithDaemonTests {
    /// Runs `body` with a fresh daemon, then stops it and checks it exits 0 after SIGTERM.
    func withDaemon(_ arguments: [String] = [], _ body: (DaemonProcess) async throws -> Void) async throws {
        let daemon = try await DaemonProcess.start(arguments: arguments)
        do {
            try await body(daemon)
        } catch {
            _ = try? await daemon.stop()
            throw error
        }
        let status = try await daemon.stop()
        #expect(status == 0, "inferd exited \(status) after SIGTERM:\n\(daemon.stderrLog)")
    }

    func inferctl(_ daemon: DaemonProcess, _ arguments: [String]) async throws -> InferctlProcess {
        try await InferctlProcess.run(arguments + ["--socket", daemon.socketPath])
    }

    @Test func classifyJSONGivesTheRightLabelsColdThenWarm() async throws {
        try await withDaemon { daemon in
            let run = try await inferctl(daemon, ["classify", "--json", "samples/chelsea.jpg", "samples/coffee.jpg", "samples/rocket.jpg"])
            #expect(run.status == 0, "\(run.stderr)\n\(daemon.stderrLog)")
            let records = try run.classifyRecords()
            try #require(records.count == 3)
            #expect(records[0].labelNames.contains(where: Labels.isCat), "\(records[0].labelNames)")
            #expect(records[1].labelNames.first == "espresso", "\(records[1].labelNames)")
            #expect(records[2].labelNames.contains(where: Labels.isRocket), "\(records[2].labelNames)")
            #expect(records.map { $0["cold"] as? Bool } == [true, false, false])
            #expect((records[0].milliseconds("load") ?? 0) > 0)
            #expect(records[1].milliseconds("load") == 0)
            for record in records {
                #expect(record["mode"] as? String == "daemon")
                #expect(record["resize"] as? String == "server")
                let total = try #require(record.milliseconds("total"))
                let endToEnd = try #require(record.milliseconds("end_to_end"))
                let transfer = try #require(record.milliseconds("transfer"))
                #expect(endToEnd >= total)
                #expect(abs(endToEnd - total - transfer) < 0.01)
                for key in ["connect", "upload", "wait", "download", "queue", "decode", "preprocess", "compute", "postprocess"] {
                    #expect(record.milliseconds(key) != nil, "\(key)")
                }
                #expect(record["bytes_sent"] as? Int == record["bytes"] as? Int)
            }
        }
    }

    @Test func repeatMarksTheFirstRowColdAndSummarisesWarm() async throws {
        try await withDaemon { daemon in
            let json = try await inferctl(daemon, ["classify", "--repeat", "2", "--json", "samples/coffee.jpg"])
            #expect(json.status == 0, "\(json.stderr)")
            let records = try json.classifyRecords()
            #expect(records.map { $0["run"] as? Int } == [1, 2])
            #expect(records.map { $0["cold"] as? Bool } == [true, false])
            #expect((records[0].milliseconds("load") ?? 0) > 0)
            #expect(records[1].milliseconds("load") == 0)

            // The text form: one row per run, marked as the daemon said, and the side-by-side summary.
            let text = try await inferctl(daemon, ["classify", "--repeat", "3", "samples/chelsea.jpg"])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("summary (ms)"))
            #expect(text.stdout.contains("warm (mean of 3)"), "\(text.stdout)")
            for column in ["queue", "load", "decode", "preproc", "compute", "post", "server", "transfer", "e2e"] {
                #expect(text.stdout.contains(column), "\(column)")
            }
        }
    }

    @Test func clientResizeSendsFewerBytesAndKeepsTheLabel() async throws {
        try await withDaemon { daemon in
            for photo in ["samples/coffee.jpg", "samples/groups/2160x3840/coffee.jpg"] {
                let server = try await inferctl(daemon, ["classify", "--resize", "server", "--json", photo])
                let client = try await inferctl(daemon, ["classify", "--resize", "client", "--json", photo])
                #expect(server.status == 0 && client.status == 0, "\(server.stderr) \(client.stderr)")
                let s = try #require(try server.classifyRecords().first), c = try #require(try client.classifyRecords().first)
                let sentByServerMode = try #require(s["bytes_sent"] as? Int), sentByClientMode = try #require(c["bytes_sent"] as? Int)
                #expect(sentByClientMode < sentByServerMode, "\(photo): client sent \(sentByClientMode), server mode \(sentByServerMode)")
                #expect(c.labelNames.first == "espresso", "\(photo): \(c.labelNames)")
                #expect(s.labelNames.first == "espresso", "\(photo): \(s.labelNames)")
                #expect((c.milliseconds("client_resize") ?? 0) > 0)
                #expect(s.milliseconds("client_resize") == nil)
                // The original's size is reported, not the re-encoded one's.
                #expect(c["width"] as? Int == s["width"] as? Int)
            }
        }
    }

    @Test func modelsAndStatusParseAndShowTheState() async throws {
        try await withDaemon { daemon in
            let classify = try await inferctl(daemon, ["classify", "samples/coffee.jpg"])
            #expect(classify.status == 0, "\(classify.stderr)")

            let json = try await inferctl(daemon, ["models", "--json"])
            #expect(json.status == 0, "\(json.stderr)")
            let list = try JSONDecoder().decode(ModelList.self, from: Data(json.stdout.utf8))
            let model = try #require(list.models.first { $0.name == "efficientnet-lite0" })
            #expect(model.state == .warm)
            #expect(model.requests == 1)
            #expect(model.coldStarts == 1)
            #expect(Set(list.models.map(\.name)).isSuperset(of: ["efficientnet-lite0", "squeezenet", "nin", "alexnet"]))

            let table = try await inferctl(daemon, ["models"])
            #expect(table.status == 0, "\(table.stderr)")
            for header in ["NAME", "STATE", "CLASS", "SIZE", "LAST USED", "UNTIL", "REQUESTS", "COLD STARTS"] {
                #expect(table.stdout.contains(header), "\(header)")
            }
            let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("efficientnet-lite0 ") })
            #expect(line.contains("warm") && line.contains("ago"), "\(line)")

            let status = try await inferctl(daemon, ["status", "--json"])
            #expect(status.status == 0, "\(status.stderr)")
            let decoded = try JSONDecoder().decode(StatusResponse.self, from: Data(status.stdout.utf8))
            #expect(decoded.counters.requests >= 1)
            #expect(decoded.pid == daemon.pid)
            let text = try await inferctl(daemon, ["status"])
            #expect(text.status == 0, "\(text.stderr)")
            for label in ["budget", "used", "resident", "policy", "pressure", "requests", "startup"] {
                #expect(text.stdout.contains(label), "\(label)")
            }
        }
    }

    @Test func failedRequestsExit1WithTheDaemonsMessageAndTheDaemonKeepsServing() async throws {
        try await withDaemon { daemon in
            let unknown = try await inferctl(daemon, ["classify", "--model", "no-such-model", "samples/coffee.jpg"])
            #expect(unknown.status == 1, "\(unknown.stderr)")
            #expect(unknown.stderr.contains("404"), "\(unknown.stderr)")
            #expect(unknown.stderr.contains("no-such-model"), "\(unknown.stderr)")

            let corrupt = try await inferctl(daemon, ["classify", "samples/bad/corrupt.jpg"])
            #expect(corrupt.status == 1, "\(corrupt.stderr)")
            #expect(corrupt.stderr.contains("400"), "\(corrupt.stderr)")

            let notImage = try await inferctl(daemon, ["classify", "samples/bad/not-an-image.jpg", "samples/coffee.jpg"])
            #expect(notImage.status == 1, "one bad image of two still fails the run: \(notImage.stderr)")
            #expect(notImage.stderr.contains("415"), "\(notImage.stderr)")
            #expect(notImage.stdout.contains("espresso"), "the good image is still classified: \(notImage.stdout)")

            let unloadUnknown = try await inferctl(daemon, ["unload", "no-such-model"])
            #expect(unloadUnknown.status == 1, "\(unloadUnknown.stderr)")
        }
    }

    @Test func operatorCommandsChangeTheModelsState() async throws {
        try await withDaemon { daemon in
            func state(_ name: String) async throws -> ModelSummary {
                let run = try await inferctl(daemon, ["models", "--json"])
                let list = try JSONDecoder().decode(ModelList.self, from: Data(run.stdout.utf8))
                return try #require(list.models.first { $0.name == name })
            }
            let load = try await inferctl(daemon, ["load", "squeezenet"])
            #expect(load.status == 0, "\(load.stderr)")
            #expect(load.stdout.contains("squeezenet"))
            #expect(try await state("squeezenet").state == .warm)

            let loadJSON = try await inferctl(daemon, ["load", "squeezenet", "--json"])
            #expect(loadJSON.status == 0, "\(loadJSON.stderr)")
            #expect((try? loadJSON.json()) != nil, "load --json prints JSON: \(loadJSON.stdout)")

            let pin = try await inferctl(daemon, ["pin", "squeezenet"])
            #expect(pin.status == 0, "\(pin.stderr)")
            #expect(try await state("squeezenet").pinned)
            let table = try await inferctl(daemon, ["models"])
            let line = try #require(table.stdout.split(separator: "\n").first { $0.hasPrefix("squeezenet ") })
            #expect(line.contains("forever"), "\(line)")

            let unpin = try await inferctl(daemon, ["unpin", "squeezenet"])
            #expect(unpin.status == 0, "\(unpin.stderr)")
            #expect(try await !state("squeezenet").pinned)

            let keepAlive = try await inferctl(daemon, ["keep-alive", "squeezenet", "10m"])
            #expect(keepAlive.status == 0, "\(keepAlive.stderr)")
            let expiresAt = try #require(try await state("squeezenet").expiresAt)
            // Ten minutes after the model's last use (which a slow machine may put a while back).
            let now = Date().timeIntervalSince1970
            #expect(expiresAt <= now + 605 && expiresAt > now + 300, "expires at \(expiresAt), now \(now)")
            let keepDefault = try await inferctl(daemon, ["keep-alive", "squeezenet", "default"])
            #expect(keepDefault.status == 0, "\(keepDefault.stderr)")

            let unload = try await inferctl(daemon, ["unload", "squeezenet"])
            #expect(unload.status == 0, "\(unload.stderr)")
            #expect(try await state("squeezenet").state == .cold)

            _ = try await inferctl(daemon, ["load", "squeezenet"])
            let trim = try await inferctl(daemon, ["trim", "--level", "critical"])
            #expect(trim.status == 0, "\(trim.stderr)")
            #expect(try await state("squeezenet").state == .cold, "critical trim evicts an unpinned idle model")
            let trimJSON = try await inferctl(daemon, ["trim", "--json"])
            #expect(trimJSON.status == 0, "\(trimJSON.stderr)")
            #expect((try? trimJSON.json()) != nil, "\(trimJSON.stdout)")
        }
    }

    @Test func theClientLibraryTimesEveryPhaseAndRunsConcurrently() async throws {
        try await withDaemon { daemon in
            let client = InferdClient(socketPath: daemon.socketPath)
            #expect(await client.isReady())
            let image = try DaemonProcess.sampleBytes("coffee.jpg")
            let results = try await withThrowingTaskGroup(of: ClassifyResult.self) { group in
                for _ in 0..<6 { group.addTask { try await client.classify(model: "efficientnet-lite0", image: image, top: 3) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 6)
            #expect(results.allSatisfy { $0.response.labels.first?.label == "espresso" })
            // Concurrent first requests cause one load: one answer paid it, the others (cold too when
            // they waited for it) queued behind it.
            #expect(results.filter { $0.response.timings.load > 0 }.count == 1, "\(results.map(\.response.timings))")
            #expect(results.filter(\.response.cold).allSatisfy { $0.response.timings.load > 0 || $0.response.timings.queue > 0 })
            #expect(try await client.model("efficientnet-lite0").loads == 1)
            for result in results {
                let t = result.client
                #expect(abs(t.connect + t.upload + t.wait + t.download - t.endToEnd) < 0.05)
                #expect(t.endToEnd >= result.response.timings.total)
                #expect(result.imageBytes == image.count)
                #expect(result.bytesSent > image.count)
            }
            do {
                _ = try await client.classify(model: "no-such-model", image: image)
                Issue.record("an unknown model must fail")
            } catch let error as ClientError {
                #expect(error.code == .requestFailed)
                #expect(error.status == 404)
                #expect(error.body?.code == .unknownModel)
            }
        }
    }
}
