import ArgumentParser
import InferdClient

/// `inferctl pin NAME`: pin a model so that it is never evicted automatically.
struct PinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin a model so that it is never evicted automatically.",
        discussion: "A pinned model survives budget evictions, memory pressure and keep-alive expiry; unloading it needs an unpin first. A cold model is loaded when pinned. --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().pin(model.name)
        ActionOutput.show(result, done: "pinned \(model.name)", output: output)
    }
}
