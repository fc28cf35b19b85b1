import Foundation
@testable import InferdServer
import Logging
import Synchronization
import Testing

/// A lifecycle actor that can be made to hang, as a stuck ModelManager would. (An `await` inside
/// the actor would not do: the actor is reentrant and answers others meanwhile; a blocking call
/// on it holds it, as a blocking call into a library would.)
actor Hangable {
    func hang(seconds: Double) {
        _ = DispatchSemaphore(value: 0).wait(timeout: .now() + seconds)
    }

    func status() -> Int { 1 }
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
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aFailingCheckIsNamed() async {
        struct Broken: Error {}
        let watchdog = WatchdogService(interval: .seconds(1), checks: [.init("ok") {}, .init("the HTTP server") { throw Broken() }],
                                       ping: {}, logger: logger)
        #expect(await watchdog.checkOnce()?.hasPrefix("the HTTP server failed") == true)
    }

    /// Pings flow while the actor answers and stop for good once it hangs — so systemd would
    /// restart the service.
    @Test func pingsStopWhenTheActorHangs() async throws {
        let actor = Hangable()
        let pings = Mutex(0)
        let watchdog = WatchdogService(interval: .milliseconds(50), deadline: .milliseconds(100),
                                       checks: [.init("the lifecycle actor") { _ = await actor.status() }],
                                       ping: { pings.withLock { $0 += 1 } }, logger: logger)
        let running = Task { try await watchdog.run() }
        try await Task.sleep(for: .milliseconds(500))
        let whileHealthy = pings.withLock { $0 }
        #expect(whileHealthy >= 3)
        Task { await actor.hang(seconds: 2) }
        try await Task.sleep(for: .milliseconds(300))
        let atHang = pings.withLock { $0 }
        try await Task.sleep(for: .milliseconds(700))
        #expect(pings.withLock { $0 } == atHang, "pings went on after the actor hung")
        running.cancel()
    }

    @Test func noWatchdogMeansTheServiceReturnsAtOnce() async throws {
        let watchdog = WatchdogService(interval: nil, checks: [], ping: { Issue.record("pinged without a watchdog") }, logger: logger)
        try await watchdog.run()
    }

    @Test func theNotificationJoinsAssignmentsOnePerLine() {
        #expect(SystemdNotifier.message(["READY=1", "STATUS=1 warm\nsecond line"]) == "READY=1\nSTATUS=1 warm second line")
        #expect(SystemdNotifier.monotonicMicroseconds() > 0)
    }
}
