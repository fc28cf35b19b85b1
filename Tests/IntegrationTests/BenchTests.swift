import Foundation
import InferdStudy
import InferdWire
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import inferctl
import InferdTestKit
import Testing

/// `inferctl bench` end to end on a tiny configuration against a real daemon (squeezenet, the smallest
/// image group, one repetition): the JSON has every field, the report is well-formed HTML with the
/// charts, the profile is a simulator profile. No timing is asserted.
@Suite struct BenchTests {
    @Test func benchRunsEndToEndAndReportsEveryField() async throws {
        let daemon = try await DaemonProcess.start()
        let output = daemon.directory + "/bench"
        let run = try await InferctlProcess.run([
            "bench", "--socket", daemon.socketPath, "--models", "squeezenet", "--groups", "540x960", "--repeat", "1",
            "--warmup", "1", "--modes", "cold,warm,in-process", "--resize", "both", "--json",
            "--report", output, "--profile-out", output + "/profile.json",
        ], environment: ["INFERD_MODELS": DaemonProcess.modelsDirectory])
        let stopped = try await daemon.stop()
        #expect(run.status == 0, "\(run.stderr)\n\(daemon.stderrLog)")
        #expect(stopped == 0)
        #expect(!run.stderr.contains("["), "no progress bar when stderr is not a terminal: \(run.stderr)")

        let json = try #require(try run.json() as? [String: Any])
        #expect(Set(json.keys) == ["host", "settings", "cells", "resize_rule", "resize_verdicts", "model_bytes"])
        #expect(((json["model_bytes"] as? [String: Int])?["squeezenet"] ?? 0) > 0, "the load's lasting RSS growth, measured by the daemon")
        let host = try #require(json["host"] as? [String: Any])
        for key in ["cpu", "cores", "cpu_flags", "memory_bytes", "kernel", "openvino", "threads", "precision", "inferd_version", "date", "load_average"] {
            #expect(host.keys.contains(key), "host.\(key)")
        }
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 6, "3 modes x 2 resize choices")
        #expect(Set(cells.compactMap { $0["mode"] as? String }) == ["cold", "warm", "in-process"])
        for cell in cells {
            for key in ["model", "group", "mode", "resize", "width", "height", "samples", "cold_answers", "mean_bytes_sent",
                        "columns", "client_resize_ms", "resources", "daemon_startup_ms", "precision", "notes"] {
                #expect(cell.keys.contains(key), "cell.\(key)")
            }
            #expect(cell["samples"] as? Int == 3, "one pass over the group's three images")
            let columns = try #require(cell["columns"] as? [String: [String: Any]])
            #expect(Set(columns.keys) == ["load", "rescale", "upload", "compute", "startup", "total"])
            for (name, summary) in columns {
                #expect(Set(summary.keys) == ["count", "mean", "p50", "p95", "p99", "min", "max"], "\(name)")
                #expect(summary["count"] as? Int == 3)
            }
            let resources = try #require(cell["resources"] as? [String: Any])
            #expect(Set(resources.keys) == ["measured", "cpu_percent", "peak_rss_bytes", "peak_rss_note", "minor_faults",
                                            "major_faults", "energy_joules", "energy_note", "wall_ms", "cpu_seconds", "client_cpu_seconds",
                                            "start_rss_bytes"])
            #expect((resources["cpu_seconds"] as? Double).map { $0 >= 0 } == true, "the device-cost column's CPU time")
            #expect(resources["cpu_percent"] as? Double != nil)
            #expect(resources["peak_rss_bytes"] as? Int != nil)
            #expect((resources["energy_note"] as? String).map { $0 == "rapl" || $0.hasPrefix("n/a") } == true)
            let mode = cell["mode"] as? String
            let cold = cell["cold_answers"] as? Int
            #expect(mode == "warm" ? cold == 0 : cold == 3, "\(mode ?? "?"): \(cold ?? -1) cold answers")
            #expect((cell["client_resize_ms"] is NSNull) == (cell["resize"] as? String == "server"))
        }
        let rules = try #require(json["resize_rule"] as? [[String: Any]])
        #expect(rules.count == 1)
        #expect(rules.first?["paper_rule_holds"] is Bool)
        #expect(rules.first?["mode"] as? String == "warm")
        #expect((json["resize_verdicts"] as? [String])?.first?.hasPrefix("squeezenet (warm): ") == true)

        // The report: well-formed, with the Fig. 4 bars and the Fig. 5 lines for the model.
        let html = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        let elements = try #require(XMLElements.parse(html), "index.html is not well-formed")
        #expect(elements.named("svg").count >= 3)
        let segments = elements.named("rect").filter { $0["class"] == "segment" }
        for mode in ["cold", "warm", "in-process"] {
            #expect(segments.contains { $0["data-bar"] == "squeezenet \(mode)" }, "a bar for squeezenet \(mode)")
        }
        #expect(elements.named("path").contains { $0["data-series"] == "squeezenet resize=server" })
        #expect(FileManager.default.fileExists(atPath: output + "/bench.json"))

        let profile = try ModelProfile.load(output + "/profile.json")
        let costs = try profile.costs("squeezenet")
        #expect(costs.bytes > 0 && costs.loadMilliseconds > 0 && costs.computeMilliseconds > 0)
    }

    /// The paper's device-versus-cloud comparison: a second inferd on loopback TCP plays the cloud.
    @Test func theCloudColumnComparesTheDeviceWithARemote() async throws {
        let device = try await DaemonProcess.start()
        let cloud = try await DaemonProcess.start(arguments: ["--listen", "tcp://127.0.0.1:0"])
        let status = try await RawHTTP.get(socket: cloud.socketPath, "/v1/status").json(StatusResponse.self)
        let address = try #require(status.listeners?.first { $0.hasPrefix("tcp://") }).replacingOccurrences(of: "tcp://", with: "http://")
        let output = device.directory + "/bench"
        let run = try await InferctlProcess.run([
            "bench", "--socket", device.socketPath, "--models", "squeezenet", "--groups", "540x960", "--repeat", "1",
            "--warmup", "0", "--modes", "cold,warm", "--cloud", address, "--resize", "both", "--json", "--report", output,
        ], environment: ["INFERD_MODELS": DaemonProcess.modelsDirectory])
        let cloudSummary = try await API.summary(cloud, "squeezenet")
        #expect(try await device.stop() == 0)
        #expect(try await cloud.stop() == 0)
        #expect(run.status == 0, "\(run.stderr)")

        let json = try #require(try run.json() as? [String: Any])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.compactMap { $0["mode"] as? String } == ["cold", "cold", "warm", "warm", "cloud", "cloud"], "--cloud adds the cloud mode")
        let rules = try #require(json["resize_rule"] as? [[String: Any]])
        #expect(rules.compactMap { $0["mode"] as? String } == ["warm", "cloud"], "the resize rule over the socket and over the link")
        let cloudCell = try #require(cells.first { $0["mode"] as? String == "cloud" && $0["resize"] as? String == "server" })
        #expect(cloudCell["cold_answers"] as? Int == 0, "the remote was warmed up before the cell")
        let upload = try #require((cloudCell["columns"] as? [String: [String: Any]])?["upload"]?["mean"] as? Double)
        #expect(upload > 0, "the network is the cloud's upload column")
        let resources = try #require(cloudCell["resources"] as? [String: Any])
        #expect(resources["measured"] as? String == "cloud daemon (on this host)")
        #expect(cloudSummary.requests == 12, "per resize choice, one warm-up pass and one measured pass over three images: \(cloudSummary.requests)")

        let html = try String(contentsOfFile: output + "/index.html", encoding: .utf8)
        #expect(XMLElements.parse(html) != nil, "index.html is well-formed")
        #expect(html.contains("Device versus cloud"))

        let refused = try await InferctlProcess.run(["bench", "--modes", "cloud", "--models", "squeezenet"])
        #expect(refused.status == 2 && refused.stderr.contains("--cloud"), "\(refused.stderr)")
    }

    @Test func procStatParsingSurvivesOddCommandNames() throws {
        let line = "4242 (in (fer) d) S 1 4242 4242 0 -1 4194560 1500 0 3 0 250 50 0 0 20 0 9 0 100 1000 200"
        let usage = try #require(ProcessUsage.parse(stat: line))
        #expect(usage.minorFaults == 1500)
        #expect(usage.majorFaults == 3)
        #expect(abs(usage.cpuSeconds - 300 / ProcessUsage.ticksPerSecond) < 1e-9)
        #expect(ProcessUsage.parse(stat: "garbage") == nil)
    }

    @Test func progressBarLine() {
        #expect(ProgressBar.line(done: 3, total: 6, label: "x", width: 10) == "[#####-----] 3/6  x")
    }

    @Test func benchRefusesBadOptionsBeforeAnyWork() async throws {
        for arguments in [["--modes", "lukewarm"], ["--repeat", "0"], ["--json", "--csv"], ["--images", "/nonexistent.jpg"]] {
            let run = try await InferctlProcess.run(["bench", "--socket", "/nonexistent/inferd.sock"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.stderr)")
        }
    }
}
