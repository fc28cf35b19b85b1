import ArgumentParser
import InferdClient

/// `inferctl load NAME`: load a model now, so that its next request is warm.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a model now, so that its next request is warm.",
        discussion: "Reads and compiles the model (the daemon may first evict others to make room under its memory budget) and prints its state and what the load cost. Loading a warm model does nothing. --json prints the daemon's answer as sent."
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var model: ModelArgument

    func run() async throws {
        let result = try await connection.client().load(model.name)
        ActionOutput.show(result, done: "loaded \(model.name)", output: output)
    }
}
