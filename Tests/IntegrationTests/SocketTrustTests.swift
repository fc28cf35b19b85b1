import InferdWire
import Foundation
import InferdTestKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// No socket another user can stand in for: `inferctl` and the daemon refuse a socket (or a directory
/// on the way to it, or a listening process) of another user, and the `/tmp` fallback lives in a
/// private directory checked on every use. The other users are played by uids 65534 (nobody) and
/// 65533 through `setpriv`, so these tests run as root.
@Suite(.serialized) struct SocketTrustTests {
    static let nobody: UInt32 = 65534
    static let stranger: UInt32 = 65533

    /// A fresh directory under /tmp with `mode`, owned by root.
    static func directory(mode: mode_t) throws -> String {
        let path = "/tmp/inferd-trust-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        chmod(path, mode)
        return path
    }

    /// A listening Unix socket at `path` made by this (root) process; the caller closes the fd.
    static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard bindUnixSocket(fd, path: path) == 0, Glibc.listen(fd, 8) == 0 else { throw RawHTTP.Failure(description: "cannot listen on \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    static func requireRoot() throws {
        try #require(getuid() == 0, "the socket-trust tests run as root (they play other users with setpriv)")
        try #require(Command.which("setpriv") != nil, "setpriv (util-linux) is needed")
    }

    @Test func aSocketOwnedByAnotherUserIsRefusedByInferctlAndTheDaemon() async throws {
        try Self.requireRoot()
        let directory = try Self.directory(mode: 0o755)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/inferd.sock"
        let fd = try Self.listen(at: path)
        defer { close(fd) }
        chown(path, Self.nobody, Self.nobody)

        let client = try await InferctlProcess.run(["status", "--socket", path])
        #expect(client.status == 3, "\(client.stderr)")
        #expect(client.stderr.contains("owned by") && client.stderr.contains("uid 65534") && client.stderr.contains("remove it"),
                "\(client.stderr)")

        let daemon = try DaemonProcess.launch(arguments: ["--socket", path])
        #expect(try await daemon.waitForExit() == 3)
        #expect(daemon.stderrLog.contains("owned by") && daemon.stderrLog.contains("uid 65534"), "\(daemon.stderrLog)")
    }

    @Test func aDirectoryOthersMayWriteIsRefusedUnlessSticky() async throws {
        try Self.requireRoot()
        let open = try Self.directory(mode: 0o777)
        defer { try? FileManager.default.removeItem(atPath: open) }
        let client = try await InferctlProcess.run(["status", "--socket", open + "/inferd.sock"])
        #expect(client.status == 3 && client.stderr.contains("not sticky") && client.stderr.contains("chmod go-w"), "\(client.stderr)")
        let daemon = try DaemonProcess.launch(arguments: ["--socket", open + "/inferd.sock"])
        #expect(try await daemon.waitForExit() == 3)
        #expect(daemon.stderrLog.contains("not sticky"), "\(daemon.stderrLog)")

        // Sticky (like /tmp): others cannot replace a file they do not own, so the daemon serves there.
        chmod(open, 0o1777)
        let served = try await DaemonProcess.start(arguments: ["--socket", open + "/inferd.sock"])
        let status = try await InferctlProcess.run(["status", "--socket", open + "/inferd.sock"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(try await served.stop() == 0)
    }

    /// The file check passes (root owns the socket file) but the process listening runs as nobody:
    /// the client's `SO_PEERCRED` check after connecting refuses it, and nothing is sent.
    @Test func aListenerRunningAsAnotherUserIsRefusedAfterConnecting() async throws {
        try Self.requireRoot()
        // perl-base is essential on Debian, and nobody may run it (a pyenv shim under /root is not).
        let perl = "/usr/bin/perl"
        try #require(FileManager.default.isExecutableFile(atPath: perl), "perl plays the squatting listener")
        let directory = try Self.directory(mode: 0o1777)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/inferd.sock"
        let script = """
            use IO::Socket::UNIX;
            my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => "\(path)", Listen => 8) or die "listen: $!";
            open(my $f, ">", "\(directory)/ready") or die; close($f);
            sleep 30;
            """
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: try #require(Command.which("setpriv")))
        squatter.arguments = ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", perl, "-e", script]
        try squatter.run()
        defer { squatter.terminate() }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: directory + "/ready") {
            try await Task.sleep(for: .milliseconds(50))
        }
        chown(path, 0, 0)
        let client = try await InferctlProcess.run(["status", "--socket", path])
        #expect(client.status == 3, "\(client.stderr)")
        #expect(client.stderr.contains("the process answering there") && client.stderr.contains("uid 65534"), "\(client.stderr)")
    }

    /// `inferctl` run by nobody without `XDG_RUNTIME_DIR` falls back to `/tmp/inferd-65534/inferd.sock`;
    /// the directory is checked on every use: another owner, then loose permissions, are refused with
    /// the fix; a proper 0700 directory without a daemon is just "not running".
    @Test func theTemporaryFallbackDirectoryIsPrivateAndCheckedOnEveryUse() async throws {
        try Self.requireRoot()
        try #require(!FileManager.default.fileExists(atPath: SocketLocation.systemPath), "a system daemon's socket would be used instead")
        let directory = SocketLocation.temporaryDirectory(userID: Self.nobody)
        try? FileManager.default.removeItem(atPath: directory)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inferctl = try InferctlProcess.binaryPath
        func asNobody() async throws -> Command {
            try await Command.run(["setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", inferctl, "status"],
                                  environment: ["XDG_RUNTIME_DIR": "", "INFERD_SOCKET": "", "INFERD_REMOTE": ""])
        }

        // Another user made the directory first (and left it open): refused, whatever is inside.
        mkdir(directory, 0o777)
        chmod(directory, 0o777)
        chown(directory, Self.stranger, Self.stranger)
        let squatted = try await asNobody()
        #expect(squatted.status == 3 && squatted.stderr.contains("uid 65533") && squatted.stderr.contains("\(directory)"), "\(squatted.stderr)")

        // The user's own directory, but open to others: refused with the chmod that fixes it.
        chown(directory, Self.nobody, Self.nobody)
        chmod(directory, 0o755)
        let loose = try await asNobody()
        #expect(loose.status == 3 && loose.stderr.contains("chmod 700"), "\(loose.stderr)")

        // Private: nothing listens, so the usual "not running" and how to start it.
        chmod(directory, 0o700)
        let fine = try await asNobody()
        #expect(fine.status == 3 && fine.stderr.contains("not running on \(directory)/inferd.sock"), "\(fine.stderr)")
    }
}
