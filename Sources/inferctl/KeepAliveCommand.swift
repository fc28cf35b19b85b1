import ArgumentParser
import Core
import InferdClient

/// `inferctl keep-alive NAME SECONDS|default|forever`: how long an idle model stays loaded.
struct KeepAliveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep-alive",
        abstract: "Set how long a model stays loaded when idle.",
        discussion: """
        DURATION is seconds (90) or units (90s, 5m, 1h30m), 0 to unload right after each request, \
        -1 or "forever" to never unload it for idleness, or "default" to return to the daemon's configured \
        keep-alive. Like Ollama's keep_alive. `inferctl models` shows the resulting expiry under UNTIL. \
        --json prints the daemon's answer as sent.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    // An array taking what is not an option, so `-1` (forever) is a value and not an unknown flag.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("Idle time before unloading: 90, 90s, 5m, 1h30m; -1 or forever; or default.", valueName: "duration"))
    var durationWords: [String] = []

    /// The one duration given.
    var duration: String { durationWords.first ?? "" }

    func validate() throws {
        guard durationWords.count == 1 else {
            throw ValidationError(durationWords.isEmpty ? "missing the duration (90, 5m, 1h30m, -1, forever or default)"
                                                        : "one duration, not \(durationWords.joined(separator: " "))")
        }
        _ = try Self.parse(duration)
    }

    func run() async throws {
        let keepAlive = try Self.parse(duration)
        let result = try await connection.client().setKeepAlive(model.name, keepAlive)
        let described: String = switch keepAlive {
        case .seconds(let seconds): HumanFormat.duration(seconds: seconds)
        case .forever: "forever"
        case .daemonDefault: "the daemon's default"
        }
        ActionOutput.show(result, done: "keep-alive of \(model.name) set to \(described)", output: output)
    }

    /// Reads `90`, `90s`, `5m`, `1h30m`, `-1`/`forever`, `default`: the daemon's own duration parser
    /// (``DurationText``), so a duration means the same here as in the config file and flags.
    static func parse(_ text: String) throws -> InferdClient.KeepAlive {
        switch text.lowercased() {
        case "forever": return .forever
        case "default": return .daemonDefault
        default: break
        }
        let seconds: Double
        do {
            seconds = try DurationText.seconds(text, key: "keep-alive", allowsForever: true)
        } catch {
            throw ValidationError(error.message + ", forever, or default")
        }
        if seconds == DurationText.forever { return .forever }
        guard seconds <= 365 * 86_400 else { throw ValidationError("keep-alive \"\(text)\" is more than a year; use forever") }
        return .seconds(seconds)
    }
}
