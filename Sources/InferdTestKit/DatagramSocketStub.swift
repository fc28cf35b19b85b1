import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A bound `AF_UNIX` datagram socket that plays the receiving end of a protocol a test stands in
/// for: systemd's notification socket (`NOTIFY_SOCKET`) or journald's native socket. Messages are
/// collected on a background thread with their arrival time, so a test can wait for one and look at
/// the order and rate of all of them.
///
/// ```swift
/// let notify = try DatagramSocketStub()
/// // start the daemon with NOTIFY_SOCKET=notify.path
/// let ready = try await notify.waitFor(timeout: 60) { $0.text.contains("READY=1") }
/// ```
public final class DatagramSocketStub: @unchecked Sendable {
    /// One datagram as received.
    public struct Message: Sendable {
        public let bytes: [UInt8]
        /// Seconds since the stub was created.
        public let time: Double
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Why binding or waiting failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The socket's path (in a fresh temporary directory).
    public let path: String
    private let directory: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [Message] = []
    private var closed = false
    private let start = Date()

    /// Binds a datagram socket at a new temporary path and starts receiving.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-dgram-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/socket"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        guard bindUnixSocket(fd, path: path) == 0 else {
            close(fd)
            throw Failure(description: "bind \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o666)
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        let thread = Thread { [self] in receiveLoop() }
        thread.name = "datagram-stub"
        thread.start()
    }

    deinit {
        lock.withLock { closed = true }
        close(fd)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every message so far, in arrival order.
    public var messages: [Message] { lock.withLock { received } }

    /// Waits until a message satisfies `predicate` and returns it (the first such, in order).
    ///
    /// - Throws: ``Failure`` listing what did arrive when `timeout` seconds pass first.
    public func waitFor(timeout: Double, _ predicate: (Message) -> Bool) async throws -> Message {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let match = messages.first(where: predicate) { return match }
            try await Task.sleep(for: .milliseconds(20))
        }
        if let match = messages.first(where: predicate) { return match }  // the sleep may have overslept the deadline
        throw Failure(description: "no matching message within \(timeout) s; received: \(messages.map { $0.text.replacing("\n", with: "\\n") })")
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while !lock.withLock({ closed }) {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                let message = Message(bytes: Array(buffer[..<count]), time: Date().timeIntervalSince(start))
                lock.withLock { received.append(message) }
            } else if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                return
            }
        }
    }
}
