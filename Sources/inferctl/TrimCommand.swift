import ArgumentParser
import InferdClient

extension InferdClient.TrimLevel: ExpressibleByArgument {}

/// `inferctl trim [--level moderate|critical]`: free memory as under kernel pressure.
struct TrimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trim",
        abstract: "Make the daemon free memory as if the kernel signalled pressure.",
        discussion: """
        Injects the same event as a PSI memory-pressure trigger (Android's onTrimMemory): moderate evicts \
        cached models down to the low watermark; critical evicts everything but pinned models and models \
        with requests in flight. Prints what was evicted and the bytes freed; --json prints the daemon's \
        answer as sent.
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Pressure level to simulate.", valueName: "moderate|critical"))
    var level: InferdClient.TrimLevel = .moderate

    func run() async throws {
        let result = try await connection.client().trim(level: level)
        ActionOutput.show(result, done: "trimmed (\(level.rawValue))", output: output)
    }
}
