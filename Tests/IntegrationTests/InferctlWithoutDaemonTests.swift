import Foundation
import Testing

/// `inferctl` with no daemon: the in-process baseline, the "not running" message and exit 3, and
/// usage errors (exit 2) caught before anything is sent.
@Suite struct InferctlWithoutDaemonTests {
    /// A socket path where nothing listens, in a fresh directory.
    func deadSocket() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("no-inferd-\(UUID().uuidString.prefix(8)).sock").path
    }

    @Test func inProcessClassifiesThePhotosWithoutADaemon() async throws {
        let run = try await InferctlProcess.run(["classify", "--in-process", "--json", "--socket", deadSocket(),
                                                 "samples/chelsea.jpg", "samples/coffee.jpg", "samples/rocket.jpg"])
        #expect(run.status == 0, "\(run.stderr)")
        let records = try run.classifyRecords()
        try #require(records.count == 3)
        #expect(records[0].labelNames.contains(where: Labels.isCat), "\(records[0].labelNames)")
        #expect(records[1].labelNames.first == "espresso", "\(records[1].labelNames)")
        #expect(records[2].labelNames.contains(where: Labels.isRocket), "\(records[2].labelNames)")
        #expect(records.allSatisfy { $0["mode"] as? String == "in-process" })
        // The first image pays the runtime start and the model load, with read and compile apart.
        #expect(records[0]["cold"] as? Bool == true)
        #expect((records[0].milliseconds("read") ?? 0) > 0)
        #expect((records[0].milliseconds("compile") ?? 0) > 0)
        #expect(records[0].milliseconds("runtime_init") != nil)
        #expect(records[1]["cold"] as? Bool == false)
        #expect(records[1].milliseconds("load") == 0)
        // Daemon-only fields are present and null: stable keys.
        for key in ["transfer", "upload", "wait", "download", "connect", "client_resize"] {
            #expect((records[0]["timings_ms"] as? [String: Any])?.keys.contains(key) == true, "\(key)")
            #expect(records[0].milliseconds(key) == nil)
        }
    }

    @Test func inProcessTextShowsTheBreakdownAndSummary() async throws {
        let run = try await InferctlProcess.run(["classify", "--in-process", "--repeat", "2", "samples/coffee.jpg"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("espresso"))
        for column in ["queue", "load", "read", "compile", "decode", "preproc", "compute", "post", "total", "e2e"] {
            #expect(run.stdout.contains(column), "\(column) missing from:\n\(run.stdout)")
        }
        #expect(run.stdout.contains("cold") && run.stdout.contains("warm"))
        #expect(run.stdout.contains("summary (ms)"))
    }

    @Test func inProcessWithClientResizeSendsTheSmallImage() async throws {
        let run = try await InferctlProcess.run(["classify", "--in-process", "--resize", "client", "--json", "samples/groups/2160x3840/coffee.jpg"])
        #expect(run.status == 0, "\(run.stderr)")
        let record = try #require(try run.classifyRecords().first)
        #expect(record.labelNames.first == "espresso", "\(record.labelNames)")
        #expect(record["width"] as? Int == 3840 && record["height"] as? Int == 2160)
        let sent = try #require(record["bytes_sent"] as? Int), original = try #require(record["bytes"] as? Int)
        #expect(sent * 4 < original, "sent \(sent) of \(original)")
        #expect((record.milliseconds("client_resize") ?? 0) > 0)
    }

    @Test func noDaemonExits3WithAClearMessage() async throws {
        let socket = deadSocket()
        for arguments in [["status"], ["models"], ["classify", "samples/coffee.jpg"], ["load", "efficientnet-lite0"], ["trim"]] {
            let run = try await InferctlProcess.run(arguments + ["--socket", socket])
            #expect(run.status == 3, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains("inferd is not running on \(socket)"), "\(run.stderr)")
            #expect(run.stderr.contains("start it with"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test func theEnvironmentVariableNamesTheSocket() async throws {
        let socket = deadSocket()
        let run = try await InferctlProcess.run(["status"], environment: ["INFERD_SOCKET": socket])
        #expect(run.status == 3)
        #expect(run.stderr.contains(socket), "\(run.stderr)")
    }

    @Test func aStaleSocketFileIsUnreachableToo() async throws {
        // A socket file nobody listens on: what a crashed daemon leaves behind.
        let path = deadSocket()
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        defer { unlink(path) }
        try #require(bound == 0)
        let run = try await InferctlProcess.run(["status", "--socket", path])
        #expect(run.status == 3)
        #expect(run.stderr.contains("connection refused"), "\(run.stderr)")
    }

    @Test(arguments: [
        ["classify", "--top", "0", "samples/coffee.jpg"],
        ["classify", "--repeat", "0", "samples/coffee.jpg"],
        // A missing image is not a usage error: it exits 1, as the help says (ErrorMessageTests).
        ["classify"],
        ["classify", "--resize", "sideways", "samples/coffee.jpg"],
        ["classify", "--precision", "f32", "samples/coffee.jpg"],
        ["classify", "--model", "../etc", "samples/coffee.jpg"],
        ["classify", "--in-process", "--model", "no-such-model", "samples/coffee.jpg"],
        ["keep-alive", "efficientnet-lite0", "soon"],
        ["trim", "--level", "apocalyptic"],
        ["load"],
        ["status", "--timeout", "-1"],
        ["frobnicate"],
    ])
    func badArgumentsExit2BeforeSendingAnything(arguments: [String]) async throws {
        let run = try await InferctlProcess.run(arguments + ["--socket", deadSocket()])
        #expect(run.status == 2, "\(arguments): status \(run.status), stderr \(run.stderr)")
        #expect(!run.stderr.contains("not running"), "validation must come before connecting: \(run.stderr)")
        #expect(!run.stderr.isEmpty)
    }

    @Test func helpDocumentsTheExitCodes() async throws {
        let run = try await InferctlProcess.run(["--help"])
        #expect(run.status == 0)
        for line in ["0  ok", "1  a request failed", "2  usage", "3  the daemon is unreachable"] {
            #expect(run.stdout.contains(line), "\(line)")
        }
        for command in ["classify", "models", "status", "load", "unload", "pin", "unpin", "keep-alive", "trim"] {
            #expect(run.stdout.contains(command))
        }
    }
}

/// The label predicates the issue states for the three photos.
enum Labels {
    static func isCat(_ label: String) -> Bool {
        label.hasPrefix("tabby") || label.hasPrefix("tiger cat") || label.hasPrefix("Egyptian cat")
    }

    static func isRocket(_ label: String) -> Bool {
        label.hasPrefix("missile") || label.hasPrefix("projectile") || label.hasPrefix("space shuttle")
    }
}
