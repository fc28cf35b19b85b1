import Core
import Crypto
import Foundation

/// Checks a bundle's model file against the SHA-256 its manifest records (`sha256`), when it records one.
///
/// Checked whenever the model file is read (a cold load that is not served from the compiled-model
/// cache): a blob in the cache was compiled from a file that passed this check, and its key changes
/// with the file, so every answer comes from the bytes the manifest names.
public enum ModelChecksum {
    /// Throws ``ModelChecksumError`` when the manifest names a checksum the file does not have.
    public static func verify(_ bundle: ModelBundle) throws(ModelChecksumError) {
        guard let expected = bundle.manifest.sha256?.lowercased() else { return }
        guard let file = MappedFile(path: bundle.modelPath) else {
            throw ModelChecksumError(.unreadable, "\(bundle.name): cannot read \(bundle.modelPath) to check its sha256")
        }
        var hasher = SHA256()
        hasher.update(bufferPointer: file.bytes)
        let actual = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard actual == expected else {
            throw ModelChecksumError(.mismatch, "\(bundle.name): \(bundle.modelPath) does not match the sha256 in its manifest "
                                     + "(expected \(expected), found \(actual)): the file is corrupt or was replaced; restore it or update the manifest")
        }
    }
}

/// A model file that does not match its manifest's checksum: a load failure, never a served answer.
public struct ModelChecksumError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable { case mismatch, unreadable }
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
