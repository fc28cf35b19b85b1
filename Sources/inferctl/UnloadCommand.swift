import ArgumentParser
import InferdClient

/// `inferctl unload NAME`: unload a model and free its memory.
struct UnloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unload",
        abstract: "Unload a model and free its memory.",
        discussion: "The model's next request pays a cold start. The daemon waits for requests in flight on it to finish (and answers 409 if they do not finish in time); a pinned model must be unpinned first (409). --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().unload(model.name)
        ActionOutput.show(result, done: "unloaded \(model.name)", output: output)
    }
}
