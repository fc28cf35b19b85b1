import ArgumentParser
import Core
import Foundation

/// Finds model bundles on disk for the commands that need a manifest locally (`classify --in-process`
/// and `classify --resize client`): `--models`, else `$INFERD_MODELS`, else `./models`, else the
/// installed daemon's `/var/lib/inferd/models` (see ``DataPaths``).
enum ModelDirectory {
    /// The environment variable naming the models directory.
    static let environmentVariable = "INFERD_MODELS"

    /// The directory to use.
    static func resolve(_ explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return DataPaths.models()
    }

    /// The bundle called `name` in `directory`.
    ///
    /// - Throws: `ValidationError` (exit 2) naming the directory and the models it has.
    static func bundle(named name: String, in directory: String, why: String) throws -> ModelBundle {
        let catalog: ModelCatalog
        do {
            catalog = try ModelCatalog.scan(directory)
        } catch {
            throw ValidationError("\(why) needs the model's bundle, but \(error) — pass --models DIR or set \(environmentVariable)")
        }
        guard let bundle = catalog[name] else {
            let problem = catalog.problems.first { ($0.bundle as NSString).lastPathComponent == name }.map { " (\($0.reason))" } ?? ""
            let known = catalog.names.isEmpty ? "none" : catalog.names.joined(separator: ", ")
            throw ValidationError("no model \"\(name)\" in \(catalog.directory)\(problem); models there: \(known)")
        }
        return bundle
    }
}
