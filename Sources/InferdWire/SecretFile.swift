import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads a file that holds a secret (a bearer token), refusing one that other users can read or
/// change, as ssh refuses a private key with loose permissions: a token anyone on the machine can read
/// is no longer a secret, and one others can write lets them choose it.
///
/// Accepted: a regular file owned by the reader or root, not readable by others and not writable by
/// group or others (0600 or 0640 with a trusted group).
public enum SecretFile {
    /// The largest secret file read: 64 KiB (a token is tens of bytes).
    public static let maxBytes = 64 << 10

    /// The file's text, surrounding whitespace removed.
    ///
    /// - Throws: ``SecretFileError`` `.unreadable` when it cannot be opened or read, `.tooOpen` when
    ///   others may read or write it (the message gives the `chmod` that fixes it), `.untrustedOwner`
    ///   when another user owns it.
    public static func read(_ path: String, what: String = "token file") throws(SecretFileError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            throw SecretFileError(.unreadable, "cannot read the \(what) \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw SecretFileError(.unreadable, "the \(what) \(path) is not a regular file")
        }
        guard info.st_uid == geteuid() || info.st_uid == 0 else {
            throw SecretFileError(.untrustedOwner, "refusing the \(what) \(path): it is owned by uid \(info.st_uid), not by you or root; "
                                      + "another user could change it")
        }
        guard info.st_mode & (S_IROTH | S_IWOTH | S_IWGRP) == 0 else {
            throw SecretFileError(.tooOpen, "refusing the \(what) \(path): its mode \("0" + String(info.st_mode & 0o777, radix: 8)) lets other users "
                                      + "read or change it, so the token is no longer secret; run `chmod 600 \(path)` (and choose a new token if others may have read it)")
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw SecretFileError(.unreadable, "cannot read the \(what) \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes += chunk[..<count]
            guard bytes.count <= maxBytes else {
                throw SecretFileError(.unreadable, "the \(what) \(path) is larger than \(maxBytes) bytes; it should hold one token")
            }
        }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Why a secret file was not read (see ``SecretFile``).
public typealias SecretFileError = CodedError<SecretFileProblem>

/// The kinds of ``SecretFileError``.
public enum SecretFileProblem: String, Sendable, Hashable {
    /// Missing, not a regular file, or a read failed.
    case unreadable
    /// Others may read it, or group or others may write it.
    case tooOpen
    /// Owned by another user.
    case untrustedOwner
}
