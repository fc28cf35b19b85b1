import ArgumentParser

/// The root command: `inferctl <subcommand>`.
struct Inferctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferctl",
        abstract: "Control inferd, the on-device inference daemon, and classify images through it.",
        discussion: """
        inferctl talks HTTP/1.1 to inferd over its Unix socket, or over TCP with --remote. Every command \
        takes --socket and --remote; every command that prints data takes --json (stable keys, for scripts).

        SOCKET
          --socket PATH, else $INFERD_SOCKET, else /run/inferd/inferd.sock when it exists (the system \
        service), else $XDG_RUNTIME_DIR/inferd.sock, else /tmp/inferd-$UID/inferd.sock (a private 0700 directory).

        REMOTE
          --remote http://HOST:PORT, else $INFERD_REMOTE (unless --socket is given): an inferd started \
        with --listen tcp://HOST:PORT, or for classify any Open Inference Protocol server. Plain HTTP \
        only (use a TLS-terminating proxy for TLS). --token-file PATH sends its content as a bearer token.

        EXIT STATUS
          0  ok
          1  a request failed (the daemon's message is printed), or an image or model could not be read
          2  usage: bad arguments or options (nothing was sent)
          3  the daemon is unreachable: not running, a stale socket, or no permission on the socket, or a socket of another user refused; \
        for --remote, connection refused, network unreachable or unknown host
        """,
        version: "0.1.0",
        subcommands: [
            ClassifyCommand.self, ModelsGroup.self, StatusCommand.self,
            LoadCommand.self, UnloadCommand.self, PinCommand.self, UnpinCommand.self,
            KeepAliveCommand.self, TrimCommand.self, ReloadCommand.self, BenchCommand.self, TraceCommand.self, ReplayCommand.self,
            SimulateCommand.self,
        ]
    )
}

extension Inferctl {
    /// Parses the command line, runs the command and returns the exit code (see ``ExitStatus``).
    static func runMain(_ arguments: [String]? = nil) async -> Int32 {
        do {
            var command = try await asyncParseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return ExitStatus.ok.rawValue
        } catch {
            return ExitStatus.report(error)
        }
    }
}
