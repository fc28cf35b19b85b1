import Foundation

/// The models in a models directory: every sub-folder with a valid bundle, and the reason for each
/// folder that is not one.
public struct ModelCatalog: Sendable {
    /// Valid bundles by name.
    public private(set) var bundles: [String: ModelBundle]
    /// Folders that were skipped, with the reason.
    public private(set) var problems: [CatalogError]
    /// The directory that was scanned.
    public let directory: String

    /// A catalog of the given bundles (tests, the simulator).
    public init(bundles: [String: ModelBundle], problems: [CatalogError] = [], directory: String) {
        self.bundles = bundles
        self.problems = problems
        self.directory = directory
    }

    /// Scans `directory`. Never throws for a bad bundle: those land in ``problems``.
    ///
    /// - Throws: ``CatalogError`` with code `.unreadableDirectory` when the directory itself cannot be read.
    public static func scan(_ directory: String) throws(CatalogError) -> ModelCatalog {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw CatalogError(.unreadableDirectory, bundle: absolute,
                               "the models directory does not exist; give the folder that holds one folder per model bundle")
        }
        guard isDirectory.boolValue else {
            throw CatalogError(.unreadableDirectory, bundle: absolute,
                               "this is a file, not a directory; give the folder that holds one folder per model bundle (its parent?)")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: absolute).sorted()
        } catch {
            let reason = access(absolute, R_OK | X_OK) == 0 ? "\(error)" : "permission denied"
            throw CatalogError(.unreadableDirectory, bundle: absolute, "cannot read the models directory (\(reason))")
        }
        var catalog = ModelCatalog(bundles: [:], problems: [], directory: absolute)
        for entry in entries where !entry.hasPrefix(".") {
            let path = (absolute as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            do {
                let bundle = try ModelBundle.load(from: path)
                if let existing = catalog.bundles[bundle.name] {
                    catalog.problems.append(CatalogError(.duplicateName, bundle: path,
                        "name \"\(bundle.name)\" is already used by \(existing.directory)"))
                } else {
                    catalog.bundles[bundle.name] = bundle
                }
            } catch {
                catalog.problems.append(error)
            }
        }
        return catalog
    }

    /// Bundle names in sorted order.
    public var names: [String] { bundles.keys.sorted() }

    /// What to tell a client that asked for `name` and there is no such bundle: the models there are,
    /// and, when a folder of that name was skipped, why (a model file without its manifest says
    /// which command makes it a bundle).
    public func unknownModelMessage(_ name: String) -> String {
        let skipped = problems.first { ($0.bundle as NSString).lastPathComponent == name }.map { "; \($0.description)" } ?? ""
        return "no model named \"\(name)\" (known: \(names.joined(separator: ", ")))\(skipped)"
    }

    /// The bundle called `name`, if any.
    public subscript(name: String) -> ModelBundle? { bundles[name] }
}
