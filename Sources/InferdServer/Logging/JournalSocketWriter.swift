#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Writes records to a journald socket in journald's native protocol
/// (https://systemd.io/JOURNAL_NATIVE_PROTOCOL/): one datagram per record, each field as
/// `NAME=value\n`, or — when the value holds a newline — `NAME\n`, the value's length as a 64-bit
/// little-endian integer, the value, `\n`.
///
/// Why this exists next to libsystemd: `sd_journal_sendv(3)` always writes to
/// `/run/systemd/journal/socket`, which a test cannot redirect. ``JournalLogHandler`` uses
/// libsystemd for that default path and this writer for any other path (a test's stub socket). A
/// record too large for one datagram (`EMSGSIZE`; libsystemd would pass a memfd instead) is
/// reported as a failure, and the handler prints it on stderr instead.
public final class JournalSocketWriter: Sendable {
    /// journald's socket.
    public static let defaultPath = "/run/systemd/journal/socket"

    public let path: String
    private let socket = Mutex<Int32>(-1)

    public init(path: String = JournalSocketWriter.defaultPath) {
        self.path = path
    }

    deinit {
        let fd = socket.withLock { $0 }
        if fd >= 0 { close(fd) }
    }

    /// The datagram for `fields`.
    public static func encode(_ fields: [JournalFields.Field]) -> [UInt8] {
        var bytes: [UInt8] = []
        for field in fields {
            let value = Array(field.value.utf8)
            bytes += field.name.utf8
            if value.contains(UInt8(ascii: "\n")) {
                bytes.append(UInt8(ascii: "\n"))
                var length = UInt64(value.count).littleEndian
                withUnsafeBytes(of: &length) { bytes += $0 }
                bytes += value
            } else {
                bytes.append(UInt8(ascii: "="))
                bytes += value
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    /// Sends one record. Returns 0, or the errno of the failure (no socket, too large, …).
    @discardableResult
    public func send(_ fields: [JournalFields.Field]) -> Int32 {
        let datagram = Self.encode(fields)
        return socket.withLock { fd -> Int32 in
            if fd < 0 {
                fd = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                guard fd >= 0 else { return errno }
            }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let pathBytes = Array(path.utf8)
            guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return ENAMETOOLONG }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: pathBytes)
                raw[pathBytes.count] = 0
            }
            let sent = datagram.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
            }
            return sent == datagram.count ? 0 : errno
        }
    }
}
