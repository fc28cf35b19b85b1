import AsyncHTTPClient
import Core
import Foundation
import InferdRuntime
import NIOCore
import NIOPosix

/// The daemon's checks of itself, for the watchdog: each returns normally when that part answers.
public enum SelfCheck {
    /// A round trip through the model manager actor (`status()`): hangs when the actor is stuck.
    public static func lifecycle(_ manager: ModelManager<LoadedModel>) -> WatchdogService.Check {
        WatchdogService.Check("the lifecycle manager") { _ = await manager.status() }
    }

    /// `GET /v2/health/live` through the listening Unix socket: the accept loop, a connection task,
    /// the HTTP pipeline and the router must all answer. Non-blocking (AsyncHTTPClient's shared
    /// client on NIO's event loops, a fresh connection each time): a stuck server costs the check a
    /// connection and a timer, no thread, and the check ends by `timeout`.
    public static func http(socketPath: String, timeout: Duration = .seconds(5)) -> WatchdogService.Check {
        WatchdogService.Check("the HTTP server") { try await liveProbe(socketPath, timeout: timeout) }
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

    static func liveProbe(_ path: String, timeout: Duration) async throws {
        guard let url = URL(httpURLWithSocketPath: path, uri: "/v2/health/live") else {
            throw ProbeError(description: "cannot form a URL for the socket \(path)")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "inferd-watchdog")
        // Not kept open: a kept connection would prove nothing about the accept loop next time.
        request.headers.add(name: "Connection", value: "close")
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            _ = try await response.body.collect(upTo: 4096)
        } catch {
            throw ProbeError(description: "GET /v2/health/live on \(path): \(error)")
        }
        guard response.status == .ok else {
            throw ProbeError(description: "answered \(response.status.code) \(response.status.reasonPhrase) instead of 200")
        }
    }
}
