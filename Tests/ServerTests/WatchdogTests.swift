import Foundation
@testable import InferdServer
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A part of the daemon that can be made to stop answering, as a stuck ModelManager actor would:
/// once hung, a round trip through it never returns.
final class Hangable: @unchecked Sendable {
    private let lock = NSLock()
    private var hung = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func roundTrip() async {
        await withCheckedContinuation { continuation in
            let answer = lock.withLock { () -> Bool in
                if hung { waiting.append(continuation) }
                return !hung
            }
            if answer { continuation.resume() }
        }
    }

    func hang() { lock.withLock { hung = true } }

    /// Answers the stuck round trips (so the test leaves no suspended tasks behind).
    func release() {
        let stuck = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            hung = false
            defer { waiting = [] }
            return waiting
        }
        stuck.forEach { $0.resume() }
    }
}

@Suite struct WatchdogTests {
    let logger = Logger(label: "test.watchdog")

    @Test func aHungCheckFailsWithinTheDeadline() async {
        let watchdog = WatchdogService(interval: .seconds(1), deadline: .milliseconds(200),
                                       checks: [.init("a stuck part") { try await Task.sleep(for: .seconds(3600)) }],
                                       ping: {}, logger: logger)
        let started = ContinuousClock.now
        let problem = await watchdog.checkOnce()
        #expect(problem?.contains("a stuck part did not answer") == true)
        #expect(ContinuousClock.now - started < .seconds(300))  // returns at all; other suites may hold the cooperative threads
    }

    @Test func aFailingCheckIsNamed() async {
        struct Broken: Error {}
        // The deadline is not under test here: an hour, because under a loaded test run the
        // cooperative threads may not get to the "ok" check for a minute and more.
        let watchdog = WatchdogService(interval: .seconds(1), deadline: .seconds(3600),
                                       checks: [.init("ok") {}, .init("the HTTP server") { throw Broken() }],
                                       ping: {}, logger: logger)
        #expect(await watchdog.checkOnce()?.hasPrefix("the HTTP server failed") == true)
    }

    /// Pings flow while the actor answers and stop for good once it hangs — so systemd would
    /// restart the service. Waits are generous: other suites share the two cores.
    @Test func pingsStopWhenTheActorHangs() async throws {
        let part = Hangable()
        let pings = Mutex(0)
        let watchdog = WatchdogService(interval: .milliseconds(50), deadline: .milliseconds(100),
                                       checks: [.init("the lifecycle actor") { await part.roundTrip() }],
                                       ping: { pings.withLock { $0 += 1 } }, logger: logger)
        let running = Task { try await watchdog.run() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(300)
        while pings.withLock({ $0 }) < 3, clock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(pings.withLock { $0 } >= 3, "no pings while healthy")
        part.hang()
        try await Task.sleep(for: .seconds(1))  // a check that passed just before the hang may still ping
        let atHang = pings.withLock { $0 }
        try await Task.sleep(for: .seconds(1))
        #expect(pings.withLock { $0 } == atHang, "pings went on after the actor hung")
        running.cancel()
        part.release()
    }

    @Test func noWatchdogMeansTheServiceReturnsAtOnce() async throws {
        let watchdog = WatchdogService(interval: nil, checks: [], ping: { Issue.record("pinged without a watchdog") }, logger: logger)
        try await watchdog.run()
    }

    /// A service that, told to shut down, drains for a while (as the API server finishes its requests).
    struct SlowDrain: Service {
        let drainFor: Duration
        let willDrain: @Sendable () -> Void

        func run() async throws {
            try? await gracefulShutdown()
            willDrain()
            try await Task.sleep(for: drainFor)
        }
    }

    @Test func whileAnotherServiceDrainsTheWatchdogStopsPingingButDoesNotReturn() async throws {
        // swift-service-lifecycle fails the whole group when a service returns while another one is
        // being shut down: the daemon then exited 1 after any drain longer than the ping interval.
        let draining = Mutex(false), pings = Mutex((all: 0, whileDraining: 0))
        let watchdog = WatchdogService(interval: .milliseconds(20), checks: [],
                                       ping: { let late = draining.withLock { $0 }; pings.withLock { $0.all += 1; if late { $0.whileDraining += 1 } } },
                                       isStopping: { draining.withLock { $0 } }, logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [
            .init(service: watchdog, successTerminationBehavior: .ignore, serviceName: "watchdog"),
            .init(service: SlowDrain(drainFor: .milliseconds(300)) { draining.withLock { $0 = true } }, serviceName: "api-server"),
        ], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(pings.withLock { $0.all } > 0)
        // At most the one ping whose check began just before the drain did (300 ms would give 15).
        #expect(pings.withLock { $0.whileDraining } <= 1)
    }

    @Test func theNotificationJoinsAssignmentsOnePerLine() {
        #expect(SystemdNotifier.message(["READY=1", "STATUS=1 warm\nsecond line"]) == "READY=1\nSTATUS=1 warm second line")
        #expect(SystemdNotifier.monotonicMicroseconds() > 0)
    }
}
