import Core
import InferdRuntime
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The daemon's checks of itself, for the watchdog: each returns normally when that part answers.
public enum SelfCheck {
    /// A round trip through the model manager actor (`status()`): hangs when the actor is stuck.
    public static func lifecycle(_ manager: ModelManager<LoadedModel>) -> WatchdogService.Check {
        WatchdogService.Check("the lifecycle manager") { _ = await manager.status() }
    }

    /// `GET /v2/health/live` through the listening Unix socket: the accept loop, a connection task,
    /// the HTTP pipeline and the router must all answer. Blocking I/O on a Dispatch thread with
    /// socket time-outs, so a stuck server never blocks the caller for longer than `timeout`.
    public static func http(socketPath: String, timeout: Duration = .seconds(5)) -> WatchdogService.Check {
        WatchdogService.Check("the HTTP server") {
            try await BlockingWork.run { try liveProbe(socketPath, timeout: timeout) }
        }
    }

    /// A task executed on every event loop of `group` (default NIO's shared group, which the server
    /// uses): fails to answer when a loop is blocked.
    public static func eventLoops(_ group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) -> WatchdogService.Check {
        WatchdogService.Check("the event loops") {
            for loop in group.makeIterator() {
                try await loop.submit {}.get()
            }
        }
    }

    struct ProbeError: Error, CustomStringConvertible {
        let description: String
    }

    static func liveProbe(_ path: String, timeout: Duration) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ProbeError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let (seconds, attoseconds) = timeout.components
        var limit = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ProbeError(description: "socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw ProbeError(description: "connect \(path): \(String(cString: strerror(errno)))") }
        let request = Array("GET /v2/health/live HTTP/1.1\r\nHost: localhost\r\nUser-Agent: inferd-watchdog\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            throw ProbeError(description: "send: \(String(cString: strerror(errno)))")
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while answer.count < 4096 {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else { throw ProbeError(description: "no answer: \(String(cString: strerror(errno)))") }
            answer += buffer[..<count]
            if answer.count >= 12 { break }
        }
        let statusLine = String(decoding: answer.prefix(12), as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200") else {
            throw ProbeError(description: "answered \"\(statusLine)\" instead of 200")
        }
    }
}
