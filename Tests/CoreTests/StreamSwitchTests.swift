import Core
import Testing

/// The stream-switch policy driven with scripted times: when a throughput companion is asked for,
/// which form a request runs on, when requests go back to the latency form and when the companion goes.
@Suite struct StreamSwitchTests {
    let settings = StreamSwitch.Settings(overlapsToBuild: 3, window: 1, quietToReturn: 0.5, keepSeconds: 10, retrySeconds: 5)

    @Test func oneRequestAtATimeNeverAsksForTheCompanion() {
        var policy = StreamSwitch(settings: settings)
        for step in 0..<100 {
            let decision = policy.start(now: Double(step) * 0.01, othersInFlight: 0)
            #expect(decision == .init(route: .latency, build: false))
        }
        #expect(policy.companion == .absent)
    }

    @Test func overlapsWithinTheWindowAskOnceAndTheCompanionServesOnceBuilt() {
        var policy = StreamSwitch(settings: settings)
        #expect(policy.start(now: 0, othersInFlight: 1) == .init(route: .latency, build: false))
        #expect(policy.start(now: 0.1, othersInFlight: 2) == .init(route: .latency, build: false))
        #expect(policy.start(now: 0.2, othersInFlight: 3) == .init(route: .latency, build: true))
        // Building: asked once, requests stay on the latency form meanwhile.
        #expect(policy.start(now: 0.3, othersInFlight: 3) == .init(route: .latency, build: false))
        #expect(policy.companion == .building)
        policy.built(now: 0.4)
        #expect(policy.start(now: 0.45, othersInFlight: 2) == .init(route: .throughput, build: false))
    }

    @Test func overlapsSpreadWiderThanTheWindowDoNotAsk() {
        var policy = StreamSwitch(settings: settings)
        for step in 0..<10 {
            #expect(policy.start(now: Double(step) * 0.6, othersInFlight: 1).build == false)
        }
        #expect(policy.companion == .absent)
    }

    @Test func aQuietSpellSendsRequestsBackToTheLatencyFormAndAnIdleCompanionGoes() {
        var policy = StreamSwitch(settings: settings)
        for step in 0..<3 { _ = policy.start(now: Double(step) * 0.1, othersInFlight: 1) }
        policy.built(now: 0.3)
        #expect(policy.start(now: 0.4, othersInFlight: 1).route == .throughput)
        // Alone, soon after the last overlap: still the companion (the burst may not be over).
        #expect(policy.start(now: 0.6, othersInFlight: 0).route == .throughput)
        // Alone after quietToReturn: the latency form, whose one stream has every core.
        #expect(policy.start(now: 1.0, othersInFlight: 0).route == .latency)
        #expect(!policy.isIdle(now: 5))
        #expect(policy.isIdle(now: 10.6))
        policy.released()
        #expect(policy.companion == .absent)
        #expect(!policy.isIdle(now: 20))
        // A new companion needs a fresh run of overlaps.
        #expect(policy.start(now: 21, othersInFlight: 1).build == false)
        #expect(policy.start(now: 21.1, othersInFlight: 1).build == false)
        #expect(policy.start(now: 21.2, othersInFlight: 1).build == true)
    }

    @Test func aRefusalWaitsRetrySecondsBeforeAskingAgain() {
        var policy = StreamSwitch(settings: settings)
        for step in 0..<3 { _ = policy.start(now: Double(step) * 0.1, othersInFlight: 1) }
        policy.refused(now: 0.3)
        #expect(policy.companion == .absent)
        for step in 0..<20 {
            #expect(policy.start(now: 0.4 + Double(step) * 0.1, othersInFlight: 4).build == false)
        }
        #expect(policy.start(now: 5.3, othersInFlight: 4).build == false)
        #expect(policy.start(now: 5.35, othersInFlight: 4).build == false)
        #expect(policy.start(now: 5.4, othersInFlight: 4).build == true)
    }

    @Test func aLateBuildAfterARefusalIsIgnored() {
        var policy = StreamSwitch(settings: settings)
        policy.built(now: 1)
        #expect(policy.companion == .absent)
        #expect(policy.start(now: 1.1, othersInFlight: 3).route == .latency)
    }
}
