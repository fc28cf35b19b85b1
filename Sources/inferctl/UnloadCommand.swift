import ArgumentParser
import InferdClient

/// `inferctl unload NAME`: unload a model and free its memory.
struct UnloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload",
        abstract: "Unload a model and free its memory.",
        discussion: "The model's next request pays a cold start. A model with requests in flight is unloaded when they finish; a pinned model must be unpinned first. --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().unload(model.name)
        ActionOutput.show(result, done: "unloaded \(model.name)", output: output)
    }
}
