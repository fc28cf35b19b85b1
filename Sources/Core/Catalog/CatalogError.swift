/// Why a model bundle could not be used. The catalog reports these per bundle instead of failing the scan.
public struct CatalogError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem it is, for callers that switch on it.
    public enum Code: String, Sendable, Equatable {
        case missingManifest, invalidManifest, missingModelFile, missingLabels, duplicateName, unreadableDirectory
    }

    public let code: Code
    /// The bundle folder (or models directory) concerned.
    public let bundle: String
    /// What is wrong, in words a person can act on.
    public let reason: String

    public init(_ code: Code, bundle: String, _ reason: String) {
        self.code = code
        self.bundle = bundle
        self.reason = reason
    }

    public var description: String { "\(bundle): \(reason)" }
}
