import Foundation
import InferdTestKit
import Testing

/// `inferctl trace` and `inferctl simulate` end to end: the real binary, files on disk.
@Suite struct SimulateCommandTests {
    @Test func generateThenSimulateWithJSONAndReport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-sim-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let trace = directory + "/trace.jsonl"
        let generated = try await InferctlProcess.run([
            "trace", "generate", "--models", "a,b,c", "--popularity", "zipf:1.1", "--arrivals", "bursty:5,20,40",
            "--duration", "600", "--seed", "3", "--output", trace])
        #expect(generated.status == 0, "\(generated.stderr)")
        let simulated = try await InferctlProcess.run([
            "simulate", trace, "--cost", "a=40M,300,10", "--cost", "b=30M,200,8", "--cost", "c=20M,100,5",
            "--policies", "lru,gdsf,ttl:30,prewarm,oracle", "--budgets", "40M,60M,90M", "--json", "--report", directory + "/report"])
        #expect(simulated.status == 0, "\(simulated.stderr)")
        let summary = try #require(try simulated.json() as? [String: Any])
        let results = try #require(summary["results"] as? [[String: Any]])
        #expect(results.count == 15)
        for result in results {
            let ratio = try #require(result["hit_ratio"] as? Double)
            #expect((0...1).contains(ratio))
            #expect((result["requests"] as? Int ?? 0) > 0)
        }
        // With room for all three models, LRU loads each once and never evicts.
        let roomy = try #require(results.first { $0["policy"] as? String == "lru" && $0["budget_bytes"] as? Int == 90 << 20 })
        #expect(roomy["loads"] as? Int == 3)
        #expect((roomy["evictions"] as? [String: Int])?.isEmpty == true)
        let html = try String(contentsOfFile: directory + "/report/index.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Hit ratio") && html.contains("oracle"))
        #expect(XMLElements.parse(html) != nil, "the report is well-formed XHTML")
    }

    @Test func badArgumentsAreUsageErrors() async throws {
        for arguments in [["simulate", "/nonexistent.csv"], ["simulate", "x.csv", "--cost", "a=oops"],
                          ["simulate", "x.csv", "--cost", "a=1M,1,1", "--policies", "fifo"],
                          ["trace", "generate", "--models", "a", "--arrivals", "poisson:-1"]] {
            let run = try await InferctlProcess.run(arguments)
            #expect(run.status == 2, "\(arguments): \(run.status) \(run.stderr)")
        }
    }
}
