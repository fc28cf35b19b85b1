import Foundation
import Testing

/// `systemd-socket-activate` plays the .socket unit: it listens, and the first connection execs the
/// daemon with the socket passed as fd 3 (`LISTEN_FDS=1`).
@Suite(.serialized) struct SocketActivationTests {
    @Test func theDaemonServesThePassedSocketAndReportsItsColdStart() async throws {
        let activate = try #require(Command.which("systemd-socket-activate"), "systemd-socket-activate is not installed (scripts/setup.sh installs systemd)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-activate-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/inferd.sock"
        // The first connection (DaemonProcess's readiness poll) starts the daemon.
        //
        // Through a shell, not as the test's direct child: Foundation's Process learns that a child
        // ended when the child's copy of a socket closes, then waits for it — and
        // systemd-socket-activate closes every inherited descriptor at once, so Foundation would
        // block in waitpid on the running daemon and never notice any other child exit. The shell
        // keeps the descriptor and exits with the daemon's status; setpriv's parent-death signal
        // takes the daemon down if the shell is killed. (Signals go to the daemon itself: children
        // of the test process start with most signals blocked, so a shell trap would never run.)
        let script = "\(activate) -l \(socket) setpriv --pdeathsig KILL \"$@\"; exit $?"
        let daemon = try await DaemonProcess.start(arguments: ["--socket", socket], launcher: ["/bin/sh", "-c", script, "sh"])
        let children = try String(contentsOfFile: "/proc/\(daemon.pid)/task/\(daemon.pid)/children", encoding: .utf8)
        let daemonPID = try #require(children.split(separator: " ").first.flatMap { Int32($0) }, "no daemon under the shell")

        let status = try await InferctlProcess.run(["status", "--json", "--socket", socket])
        #expect(status.status == 0, "\(status.stderr)")
        let json = try #require(try status.json() as? [String: Any])
        #expect(json["socket_activated"] as? Bool == true)
        let startup = try #require(json["startup_ms"] as? Double, "no startup_ms in \(status.stdout)")
        #expect(startup > 0)

        let human = try await InferctlProcess.run(["status", "--socket", socket])
        #expect(human.stdout.contains("(socket activated)") && human.stdout.contains("ms to ready"), "\(human.stdout)")

        let classify = try await InferctlProcess.run(["classify", "--socket", socket, "--model", "squeezenet", DaemonProcess.sample("chelsea.jpg")])
        #expect(classify.status == 0, "\(classify.stderr)")
        #expect(daemon.stderrLog.contains("(socket-activated)"))

        kill(daemonPID, SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        // The socket belongs to whoever passed it: the daemon leaves the file alone.
        #expect(FileManager.default.fileExists(atPath: socket))
    }
}
