import ArgumentParser
import Foundation
import InferdClient
import InferdWire

/// `--socket`, `--remote`, `--token-file` and `--timeout`, shared by every command that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    /// The environment variable that names a remote server: `INFERD_REMOTE`.
    static let remoteEnvironmentVariable = "INFERD_REMOTE"

    @Option(name: .long, help: ArgumentHelp(
        "The daemon's Unix socket.",
        discussion: "Default: $INFERD_SOCKET, else /run/inferd/inferd.sock when it exists, else $XDG_RUNTIME_DIR/inferd.sock, else /tmp/inferd-$UID.sock.",
        valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp(
        "A remote server instead of the local socket: http://HOST:PORT (default: $INFERD_REMOTE).",
        discussion: "An inferd started with --listen tcp://HOST:PORT, or (for classify) any Open Inference Protocol server. "
            + "Plain HTTP only: for TLS put a TLS-terminating proxy in between. --socket wins over $INFERD_REMOTE.",
        valueName: "url"))
    var remote: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp(
        "A file holding a bearer token sent as 'Authorization: Bearer …' (a remote inferd asks for one on admin routes).",
        valueName: "path"))
    var tokenFile: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each answer (a cold load of a big model takes seconds).", valueName: "seconds"))
    var timeout: Double = 300

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be between 0 and 86400 seconds, not \(timeout)")
        }
        if let socket, socket.isEmpty {
            throw ValidationError("--socket needs a path")
        }
        if socket != nil, remote != nil {
            throw ValidationError("give either --socket (a local daemon) or --remote (a server over TCP), not both")
        }
        if let text = remoteText {
            do {
                _ = try Endpoint(parsing: text)
            } catch {
                throw ValidationError("\(remote != nil ? "--remote" : "$\(Self.remoteEnvironmentVariable)"): \(error.message)")
            }
        }
        if let tokenFile {
            guard let token = Self.readToken(tokenFile) else {
                throw ValidationError("--token-file \(tokenFile): no readable file there")
            }
            guard !token.isEmpty else { throw ValidationError("--token-file \(tokenFile) is empty; it must hold the token") }
            guard NetworkNames.isHeaderSafeToken(token) else {
                throw ValidationError("--token-file \(tokenFile) must hold one token without spaces or control characters")
            }
        }
    }

    /// `--remote`, else `$INFERD_REMOTE` unless `--socket` is given; nil: the local socket.
    private var remoteText: String? {
        if let remote { return remote }
        guard socket == nil, let fromEnvironment = ProcessInfo.processInfo.environment[Self.remoteEnvironmentVariable],
              !fromEnvironment.isEmpty else { return nil }
        return fromEnvironment
    }

    /// The remote endpoint, when one is given (``validate()`` has checked it parses).
    var remoteEndpoint: Endpoint? { remoteText.flatMap { try? Endpoint(parsing: $0) } }

    /// Where the local daemon is expected.
    var location: SocketLocation { .forClient(explicit: socket) }

    /// The remote, else the local socket.
    var endpoint: Endpoint { remoteEndpoint ?? .unix(path: location.path) }

    /// The token from `--token-file`, without surrounding whitespace.
    var token: String? { tokenFile.flatMap(Self.readToken) }

    /// A client of ``endpoint`` sending ``token``, waiting `timeout` (default `--timeout`) for each answer.
    func client(timeout: Duration? = nil) -> InferdClient {
        InferdClient(endpoint: endpoint, token: token, timeout: timeout ?? .milliseconds(Int64(self.timeout * 1000)))
    }

    private static func readToken(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
