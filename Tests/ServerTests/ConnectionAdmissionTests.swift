@testable import InferdServer
import Testing

/// ``ConnectionAdmission``: per-client and per-listener caps, and refusal logs at most once an interval.
@Suite struct ConnectionAdmissionTests {
    @Test func oneClientCannotTakeEveryConnection() {
        let admission = ConnectionAdmission(maxConnections: 10, maxPerClient: 3)
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(admission.admit("10.0.0.1", now: start).refusal == nil) }
        #expect(admission.admit("10.0.0.1", now: start).refusal == .clientFull("10.0.0.1"))
        #expect(admission.admit("10.0.0.2", now: start).refusal == nil, "another client still gets in")
        admission.release("10.0.0.1")
        #expect(admission.admit("10.0.0.1", now: start).refusal == nil, "a closed connection frees its place")
        #expect(admission.openCount == 4)
    }

    @Test func theListenerCapHoldsAcrossClients() {
        let admission = ConnectionAdmission(maxConnections: 4, maxPerClient: 2)
        let now = ContinuousClock.now
        for client in ["a", "a", "b", "b"] { #expect(admission.admit(client, now: now).refusal == nil) }
        #expect(admission.admit("c", now: now).refusal == .listenerFull)
    }

    @Test func refusalsAreLoggedOncePerIntervalWithTheirCount() {
        let admission = ConnectionAdmission(maxConnections: 1, maxPerClient: 1, logInterval: .seconds(10))
        let start = ContinuousClock.now
        _ = admission.admit("a", now: start)
        #expect(admission.admit("a", now: start).logRefusals == 1, "the first refusal is logged at once")
        for second in 1...5 { #expect(admission.admit("a", now: start + .seconds(second)).logRefusals == nil) }
        #expect(admission.admit("a", now: start + .seconds(11)).logRefusals == 6, "then one line for the six since")
    }
}
