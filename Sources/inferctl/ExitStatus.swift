import ArgumentParser
import Foundation
import InferdClient

/// inferctl's exit codes, documented in the root command's help.
enum ExitStatus: Int32 {
    /// Everything asked for was done.
    case ok = 0
    /// A request failed (the daemon's message is printed), or an image or model could not be read.
    case requestFailed = 1
    /// Bad arguments or options: nothing was sent.
    case usage = 2
    /// Nothing answers on the socket: the daemon is not running, the socket is stale, or no permission.
    case daemonUnreachable = 3

    /// The exit status for a client error.
    init(_ error: ClientError) {
        self = error.code == .daemonUnreachable ? .daemonUnreachable : .requestFailed
    }

    /// Prints what went wrong to standard error (help and clean exits to standard output) and returns
    /// the exit code for `error`.
    static func report(_ error: Error) -> Int32 {
        if let exit = error as? ExitCode {
            return exit.rawValue
        }
        if let error = error as? ClientError {
            printError("inferctl: \(error.message)")
            return ExitStatus(error).rawValue
        }
        let code = Inferctl.exitCode(for: error)
        if code == .success {
            Inferctl.exit(withError: error)  // --help, --version: prints to standard output, exits 0
        }
        if code == .validationFailure {
            printError(Inferctl.fullMessage(for: error))
            return ExitStatus.usage.rawValue
        }
        // Errors from Core (image, catalog, OpenVINO) carry a message a person can act on.
        printError("inferctl: error: \(error)")
        return ExitStatus.requestFailed.rawValue
    }
}

/// Writes `text` and a newline to standard error.
func printError(_ text: String) {
    var line = text
    if !line.hasSuffix("\n") { line += "\n" }
    FileHandle.standardError.write(Data(line.utf8))
}
