import ArgumentParser
import InferdClient

/// `inferctl unpin NAME`: unpin a model so that the eviction policy applies to it again.
struct UnpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin",
        abstract: "Unpin a model so that the eviction policy applies to it again.",
        discussion: "The model returns to the recent or cached priority class and may be evicted for budget, pressure or keep-alive. --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().unpin(model.name)
        ActionOutput.show(result, done: "unpinned \(model.name)", output: output)
    }
}
