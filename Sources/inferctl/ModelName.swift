import ArgumentParser

/// Checks model names given on the command line (the catalog's rule: letters, digits, `-`, `_`, `.`).
enum ModelName {
    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    /// Throws a `ValidationError` (exit 2) for a name no model can have.
    static func validate(_ name: String) throws {
        guard !name.isEmpty, !name.hasPrefix("."), name.allSatisfy(allowed.contains) else {
            throw ValidationError("\"\(name)\" is not a model name: use letters, digits, '-', '_' or '.' (see `inferctl models`)")
        }
    }
}
