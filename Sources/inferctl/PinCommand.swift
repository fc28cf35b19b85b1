import ArgumentParser
import InferdClient

/// `inferctl pin NAME`: pin a model
struct PinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin a model",
        discussion: " never evicted automatically. --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().pin(model.name)
        ActionOutput.show(result, done: "A pinned model survives budget evictions, memory pressure and keep-alive expiry; only an explicit unload removes it. Pinning a cold model does not load it.:pinned \(model.name)", output: output)
    }
}
