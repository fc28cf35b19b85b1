#if canImport(Glibc)
import Glibc
#endif

/// A regular file mapped read-only into memory (`mmap`), unmapped when released.
///
/// Used for compiled-model blobs: OpenVINO imports straight from the mapping (no 244 MB copy into
/// owned memory) and keeps pointing into it, so the imported model holds the mapping alive.
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes.
    public let bytes: UnsafeRawBufferPointer
    /// The file's owner and permission bits when it was opened (the checks are made on the open file,
    /// so no rename between check and use can change what is mapped).
    public let owner: uid_t
    public let mode: mode_t

    /// Opens and maps `path` (never following a symbolic link in its last component).
    ///
    /// - Returns: `nil` when the file is missing, empty, not a regular file or cannot be mapped.
    public init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        owner = info.st_uid
        mode = info.st_mode
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }

    /// True when only this process's user (or root) could have written the file: owned by the
    /// effective user or root, and not writable by group or others.
    public var writableOnlyByOwner: Bool {
        (owner == geteuid() || owner == 0) && (mode & (S_IWGRP | S_IWOTH)) == 0
    }
}
