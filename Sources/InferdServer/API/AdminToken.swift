import Core
import Foundation
import InferdWire

/// The shared secret that admits admin calls over TCP (`Authorization: Bearer <token>`), where
/// there are no peer credentials to check. Read once at start from `server.admin_token_file`.
///
/// Comparison takes the same time whatever the guess, so response times leak nothing about how
/// much of a guess was right.
public struct AdminToken: Sendable {
    private let secret: [UInt8]

    /// The shortest token accepted: 16 bytes (e.g. `openssl rand -hex 16` gives 32).
    public static let minimumLength = 16

    /// A token from its text (surrounding whitespace and a trailing newline removed).
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` when it is shorter than ``minimumLength``.
    public init(_ text: String) throws(ConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.isEmpty || NetworkNames.isHeaderSafeToken(trimmed) else {
            throw ConfigurationError(.invalidValue, "the admin token must be one word without spaces or control characters (a header cannot carry them)")
        }
        guard trimmed.utf8.count >= Self.minimumLength else {
            throw ConfigurationError(.invalidValue, "the admin token must be at least \(Self.minimumLength) characters (it has \(trimmed.utf8.count)); generate one with `openssl rand -hex 16`")
        }
        secret = Array(trimmed.utf8)
    }

    /// Reads the token from `path`.
    ///
    /// - Throws: ``ConfigurationError`` `.unreadableFile` when it cannot be read, `.invalidValue` when
    ///   it is too short.
    public static func read(from path: String) throws(ConfigurationError) -> AdminToken {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(.unreadableFile, "cannot read the admin token file \(path)")
        }
        do {
            return try AdminToken(String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigurationError(error.code, "\(path): \(error.message)")
        }
    }

    /// True when `header` is `Bearer <this token>`. Constant time in the token's content.
    public func accepts(authorization header: String?) -> Bool {
        guard let header else { return false }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return false }
        let presented = Array(header.utf8.dropFirst(prefix.utf8.count))
        return Self.constantTimeEqual(presented, secret)
    }

    /// Compares every byte of the longer input whatever the mismatches, so the time depends on the
    /// lengths only.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for i in 0..<length {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        // Also fold in the full length difference (the UInt8 truncation above could hide it).
        return difference == 0 && a.count == b.count
    }
}
