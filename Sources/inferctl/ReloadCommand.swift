import ArgumentParser
import Foundation
import InferdClient

/// `inferctl reload`: the daemon rescans its models directory, as on SIGHUP.
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make the daemon rescan its models directory (as systemctl reload / SIGHUP).",
        discussion: """
        New bundles become available, removed ones go (after their requests in flight), warm models that \
        still exist stay warm. Prints the model list afterwards and any bundle the daemon skipped, with \
        its reason. An admin call: root, the admin group, or the bearer token over TCP. --json prints the \
        daemon's answer as sent (POST /v1/reload).
        """
    )

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = connection.client()
        if output.json {
            output.printRawJSON(try await client.send("POST", "/v1/reload").body)
            return
        }
        let list = try await client.reload()
        print(ModelsCommand.render(list, now: Date().timeIntervalSince1970))
        for problem in try await client.status().catalogProblems {
            print("skipped: \(problem)")
        }
    }
}
