import InferdWire
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The file-system half of ``SocketTrust`` and ``SecretFile``, on temporary directories.
@Suite struct SocketTrustUnitTests {
    static func scratch() -> String {
        NSTemporaryDirectory() + "inferd-trust-unit-\(UUID().uuidString.prefix(8))"
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = lstat(path, &info)
        return info.st_mode & 0o7777
    }

    @Test func thePrivateDirectoryIsCreated0700AndRecheckedOnEveryUse() throws {
        let directory = Self.scratch()
        defer { rmdir(directory) }
        let previous = umask(0)
        defer { umask(previous) }
        try SocketTrust.preparePrivateDirectory(directory, userID: geteuid(), create: true)
        #expect(Self.mode(directory) == 0o700)
        // Checked again (not created): still fine.
        try SocketTrust.preparePrivateDirectory(directory, userID: geteuid(), create: false)
        // Opened up later: refused, with the fix.
        chmod(directory, 0o755)
        let loose = #expect(throws: SocketTrustError.self) { try SocketTrust.preparePrivateDirectory(directory, userID: geteuid(), create: true) }
        #expect(loose?.code == .unsafeDirectory && loose?.message.contains("chmod 700") == true)
        // Someone else's: refused (the test pretends to be another uid).
        chmod(directory, 0o700)
        let foreign = #expect(throws: SocketTrustError.self) { try SocketTrust.preparePrivateDirectory(directory, userID: geteuid() + 1, create: true) }
        #expect(foreign?.code == .untrustedOwner)
    }

    @Test func aLinkInPlaceOfThePrivateDirectoryIsRefused() throws {
        let target = Self.scratch(), link = Self.scratch()
        mkdir(target, 0o700)
        symlink(target, link)
        defer { unlink(link); rmdir(target) }
        let error = #expect(throws: SocketTrustError.self) { try SocketTrust.preparePrivateDirectory(link, userID: geteuid(), create: true) }
        #expect(error?.code == .unsafeDirectory)
    }

    @Test func socketsAndDirectoriesOfOthersAreNotTrusted() throws {
        let directory = Self.scratch()
        mkdir(directory, 0o755)
        defer { rmdir(directory) }
        let me = SocketTrust(trustedOwners: [geteuid()])
        try me.checkSocket(directory + "/absent.sock")  // nothing there yet: passes
        // A trust set without the directory's owner (root here, or the test user) refuses it.
        var info = stat()
        stat(directory, &info)
        if info.st_uid != 0 {
            let stranger = SocketTrust(trustedOwners: [info.st_uid + 1])
            #expect(throws: SocketTrustError.self) { try stranger.checkSocket(directory + "/absent.sock") }
        }
        chmod(directory, 0o777)
        let open = #expect(throws: SocketTrustError.self) { try me.checkSocket(directory + "/absent.sock") }
        #expect(open?.code == .unsafeDirectory && open?.message.contains("not sticky") == true)
        chmod(directory, 0o1777)
        try me.checkSocket(directory + "/absent.sock")
    }

    @Test func secretFilesOthersCanReadAreRefused() throws {
        let path = Self.scratch()
        FileManager.default.createFile(atPath: path, contents: Data("  token-0123456789abcdef\n".utf8))
        defer { unlink(path) }
        chmod(path, 0o600)
        #expect(try SecretFile.read(path) == "token-0123456789abcdef")
        chmod(path, 0o640)
        #expect(try SecretFile.read(path) == "token-0123456789abcdef", "a group (e.g. the service's) may read it")
        for mode: mode_t in [0o644, 0o604, 0o620, 0o602] {
            chmod(path, mode)
            let error = #expect(throws: SecretFileError.self) { try SecretFile.read(path) }
            #expect(error?.code == .tooOpen && error?.message.contains("chmod 600") == true, "mode \(String(mode, radix: 8))")
        }
        let missing = #expect(throws: SecretFileError.self) { try SecretFile.read(path + ".absent") }
        #expect(missing?.code == .unreadable)
    }
}
