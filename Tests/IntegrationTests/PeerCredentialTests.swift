import Foundation
import Testing

/// Admin calls need root or the admin group, read from the connection's SO_PEERCRED. The client
/// runs as nobody (uid/gid 65534, no supplementary groups) through `setpriv`.
@Suite(.serialized) struct PeerCredentialTests {
    /// `curl` over the daemon's socket as nobody: the status code and body.
    static func asNobody(_ method: String, _ path: String, socket: String) async throws -> (code: Int, body: String) {
        let run = try await Command.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                         "curl", "-s", "-X", method, "-w", "\n%{http_code}", "--unix-socket", socket, "http://localhost" + path])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    /// The socket is 0660 root:root by design; the test opens it (and its 0755 directory) to others.
    static func openSocket(_ daemon: DaemonProcess) {
        chmod(daemon.directory, 0o755)
        chmod(daemon.socketPath, 0o666)
    }

    @Test func adminCallsAreRefusedForOthersAndAllowedForRoot() async throws {
        try #require(getuid() == 0, "the peer-credential test runs as root (it switches to uid 65534)")
        try #require(Command.which("setpriv") != nil && Command.which("curl") != nil, "setpriv and curl are needed")
        let daemon = try await DaemonProcess.start()
        Self.openSocket(daemon)

        // Read-only and classification calls: open to anyone on the socket.
        #expect(try await Self.asNobody("GET", "/v1/status", socket: daemon.socketPath).code == 200)
        #expect(try await Self.asNobody("GET", "/v1/models", socket: daemon.socketPath).code == 200)

        // Every admin route refuses nobody with 403 and a JSON error.
        for (method, path) in [("POST", "/v1/trim"), ("POST", "/v1/models/squeezenet/load"), ("POST", "/v1/models/squeezenet/unload"),
                               ("POST", "/v1/models/squeezenet/pin"), ("POST", "/v1/models/squeezenet/unpin"),
                               ("PUT", "/v1/models/squeezenet/keep-alive"), ("POST", "/v1/reload"),
                               ("POST", "/v2/repository/models/squeezenet/load"), ("POST", "/v2/repository/models/squeezenet/unload")] {
            let answer = try await Self.asNobody(method, path, socket: daemon.socketPath)
            #expect(answer.code == 403, "\(method) \(path) as nobody: \(answer.code) \(answer.body)")
            #expect(answer.body.contains("\"code\":\"forbidden\""), "\(answer.body)")
        }
        #expect(try await API.summary(daemon, "squeezenet").state == .cold, "a refused load must not load")

        // Root may.
        let trim = try await RawHTTP.post(socket: daemon.socketPath, "/v1/trim")
        #expect(trim.status == 200, "\(trim.text)")
        let log = daemon.stderrLog
        #expect(log.contains("refused POST /v1/trim for uid 65534"), "\(log)")
        #expect(log.contains("admin call POST /v1/trim by uid 0"), "\(log)")
        #expect(try await daemon.stop() == 0)
    }

    @Test func membersOfTheAdminGroupMayManage() async throws {
        try #require(getuid() == 0, "the peer-credential test runs as root (it switches to uid 65534)")
        let daemon = try await DaemonProcess.start(arguments: ["--admin-group", "nogroup"])
        Self.openSocket(daemon)
        let answer = try await Self.asNobody("POST", "/v1/trim", socket: daemon.socketPath)
        #expect(answer.code == 200, "\(answer.body)")
        #expect(daemon.stderrLog.contains("admin call POST /v1/trim by uid 65534"))
        #expect(try await daemon.stop() == 0)
    }
}
