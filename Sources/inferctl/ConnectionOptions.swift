import ArgumentParser
import Core
import InferdClient

/// `--socket` and `--timeout`, shared by every command that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The daemon's Unix socket.",
        discussion: "Default: $INFERD_SOCKET, else /run/inferd/inferd.sock when it exists, else $XDG_RUNTIME_DIR/inferd.sock, else /tmp/inferd-$UID.sock.",
        valueName: "path"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each answer (a cold load of a big model takes seconds).", valueName: "seconds"))
    var timeout: Double = 300

    func validate() throws {
        guard timeout > 0, timeout <= 86_400 else {
            throw ValidationError("--timeout must be between 0 and 86400 seconds, not \(timeout)")
        }
        if let socket, socket.isEmpty {
            throw ValidationError("--socket needs a path")
        }
    }

    /// Where the daemon is expected.
    var location: SocketLocation { .forClient(explicit: socket) }

    /// A client of the daemon at ``location``.
    func client() -> InferdClient {
        InferdClient(location: location, timeout: .milliseconds(Int64(timeout * 1000)))
    }
}
