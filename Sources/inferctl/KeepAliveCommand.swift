import ArgumentParser
import InferdClient

/// `inferctl keep-alive NAME SECONDS|default|forever`: how long an idle model stays loaded.
struct KeepAliveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keep-alive",
        abstract: "Set how long a model stays loaded when idle.",
        discussion: """
        DURATION is seconds (90, or with a unit: 90s, 5m, 2h), 0 to unload right after each request, \
        "forever" to never unload it for idleness, or "default" to return to the daemon's configured \
        keep-alive. Like Ollama's keep_alive. `inferctl models` shows the resulting expiry under UNTIL. \
        --json prints the daemon's answer as sent.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    @Argument(help: ArgumentHelp("Idle time before unloading: seconds (or 90s, 5m, 2h), forever, or default.", valueName: "duration"))
    var duration: String

    func validate() throws {
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

    /// Reads `90`, `90s`, `5m`, `2h`, `forever`, `default` (`-1` also means forever).
    static func parse(_ text: String) throws -> InferdClient.KeepAlive {
        switch text.lowercased() {
        case "forever", "-1": return .forever
        case "default": return .daemonDefault
        default: break
        }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        var number = Substring(text)
        var factor = 1.0
        if let last = number.last, let unit = units[Character(last.lowercased())] {
            factor = unit
            number = number.dropLast()
        }
        guard let value = Double(number), value.isFinite, value >= 0, value * factor <= 365 * 86_400 else {
            throw ValidationError("keep-alive \"\(text)\" is not a duration: use seconds (90, 90s, 5m, 2h, at most a year), forever, or default")
        }
        return .seconds(value * factor)
    }
}
