import Core
import InferdWire
import Testing

/// The offload planner as pure policy: situations in, decisions out, no clock and no network.
@Suite struct OffloadPlannerTests {
    static let cloud = RemoteServer(url: "http://cloud:8080")
    static let alexnetFile: Int64 = 244_000_000

    /// A remote link of `roundTrip` ms and `bytesPerMs` bandwidth, a remote that computes in
    /// `remoteServe` ms, learned from requests of two sizes.
    static func teach(_ planner: inout OffloadPlanner, model: String, roundTrip: Double, bytesPerMs: Double, remoteServe: Double) {
        for bytes in [40_000, 400_000, 40_000, 2_000_000, 400_000, 2_000_000] {
            let network = roundTrip + Double(bytes) / bytesPerMs
            let timings = RemoteTimings(connect: 0, upload: network * 0.8, server: remoteServe + network * 0.2, download: 0,
                                        remoteReported: remoteServe, bytesSent: bytes, bytesReceived: 500)
            planner.recordRemote(remote: cloud.url, model: model, imageBytes: bytes, timings: timings, remoteServeMs: remoteServe)
        }
    }

    /// A local model that serves in `base` ms plus `perMB` ms per MB of image, and loads in `load` ms.
    static func teachLocal(_ planner: inout OffloadPlanner, model: String, base: Double, perMB: Double, load: Double) {
        for bytes in [40_000, 2_000_000, 400_000] {
            planner.recordLocal(model: model, imageBytes: bytes, serveMs: base + perMB * Double(bytes) / 1_000_000,
                                loadMs: 0, fileBytes: alexnetFile)
        }
        planner.recordLocal(model: model, imageBytes: 40_000, serveMs: base, loadMs: load, fileBytes: alexnetFile)
    }

    func cold(_ file: Int64 = alexnetFile) -> LocalSituation { LocalSituation(warm: false, fileBytes: file) }
    func warm(_ file: Int64 = alexnetFile) -> LocalSituation { LocalSituation(warm: true, fileBytes: file) }

    @Test func fixedModesDoWhatTheySay() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .never)
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: cold(), now: 0).side == .local)
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: cold(), mode: .always, now: 0).side == .remote)
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: cold(), mode: .always, now: 0).remote == Self.cloud)
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: warm(), mode: .whenCold, now: 0).side == .local)
        let whenCold = planner.decide(model: "alexnet", imageBytes: 1000, local: cold(), mode: .whenCold, now: 0)
        #expect(whenCold.side == .remote && whenCold.reason.contains("not warm"))
    }

    @Test func onlyRemotesThatServeTheModelAreUsed() {
        let picky = RemoteServer(url: "http://picky:1", models: ["nin"])
        var planner = OffloadPlanner(remotes: [picky], defaultMode: .always)
        let decision = planner.decide(model: "alexnet", imageBytes: 1000, local: cold(), now: 0)
        #expect(decision.side == .local && decision.reason.contains("no remote serves alexnet"))
        #expect(planner.decide(model: "nin", imageBytes: 1000, local: cold(), now: 0).remote == picky)
    }

    @Test func aModelThatCannotFitOrCriticalPressureGoesRemoteUnlessNever() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .whenCold)
        Self.teach(&planner, model: "alexnet", roundTrip: 5, bytesPerMs: 100_000, remoteServe: 20)
        var tight = warm()
        tight.warm = false
        tight.fitsBudget = false
        let noRoom = planner.decide(model: "alexnet", imageBytes: 1000, local: tight, mode: .auto, now: 0)
        #expect(noRoom.side == .remote && noRoom.reason.contains("cannot fit"))
        var pressed = cold()
        pressed.pressure = .critical
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: pressed, mode: .auto, now: 0).reason.contains("pressure"))
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: pressed, mode: .never, now: 0).side == .local)
        // Warm here, pressure is no reason to go: nothing needs loading.
        pressed.warm = true
        #expect(planner.decide(model: "alexnet", imageBytes: 1000, local: pressed, mode: .whenCold, now: 0).side == .local)
    }

    @Test func autoExploresAnUnmeasuredRemoteOnColdRequestsAndProbesNowAndThen() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        planner.probeInterval = 5
        let first = planner.decide(model: "nin", imageBytes: 50_000, local: cold(30_000_000), now: 0)
        #expect(first.side == .remote && first.reason.contains("not measured yet"))
        var sides: [Placement.Side] = []
        for _ in 0..<10 { sides.append(planner.decide(model: "nin", imageBytes: 50_000, local: warm(30_000_000), now: 0).side) }
        #expect(sides == [.local, .local, .local, .local, .remote, .local, .local, .local, .local, .remote])
    }

    @Test func autoWeighsColdStartsImageSizeAndTheLink() {
        // A Wi-Fi-like link: 40 ms round trip, 20 Mbit/s = 2500 bytes per ms; the remote computes in 30 ms.
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        planner.probeInterval = 0
        Self.teach(&planner, model: "alexnet", roundTrip: 40, bytesPerMs: 2500, remoteServe: 30)
        // Here: 60 ms + 50 ms per MB of JPEG to serve, 1300 ms to load.
        Self.teachLocal(&planner, model: "alexnet", base: 60, perMB: 50, load: 1300)

        let predictedRemote = planner.predictRemote(remote: Self.cloud, model: "alexnet", imageBytes: 1_000_000)
        #expect(abs(predictedRemote! - (30 + 40 + 400)) < 1, "network fit: \(predictedRemote!)")
        #expect(abs(planner.predictLocal(model: "alexnet", imageBytes: 1_000_000, local: warm()) - 110) < 1)

        // Warm here: local wins whatever the size.
        #expect(planner.decide(model: "alexnet", imageBytes: 40_000, local: warm(), now: 0).side == .local)
        #expect(planner.decide(model: "alexnet", imageBytes: 3_000_000, local: warm(), now: 0).side == .local)
        // Cold here, a small photo: 46 + 70 ms away beats 1300 ms of load.
        let small = planner.decide(model: "alexnet", imageBytes: 40_000, local: cold(), now: 0)
        #expect(small.side == .remote, "\(small.reason)")
        #expect(small.predicted!.local > 1300 && small.predicted!.remote < 100)
        // Cold here, a 5 MB photo: 2000 ms of upload is worse than loading (1300 + 310).
        let large = planner.decide(model: "alexnet", imageBytes: 5_000_000, local: cold(), now: 0)
        #expect(large.side == .local, "\(large.reason)")
        #expect(large.reason.contains("cold: load 1300 ms"))
    }

    @Test func aFastLinkMakesAutoOffloadEvenWarmRequestsOfASlowModel() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        planner.probeInterval = 0
        Self.teach(&planner, model: "alexnet", roundTrip: 0.3, bytesPerMs: 1_000_000, remoteServe: 8)
        Self.teachLocal(&planner, model: "alexnet", base: 55, perMB: 5, load: 1300)
        let decision = planner.decide(model: "alexnet", imageBytes: 100_000, local: warm(), now: 0)
        #expect(decision.side == .remote, "\(decision.reason)")
    }

    @Test func aFailingRemoteIsSkippedWithGrowingBackoffAndForgivenOnSuccess() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .always)
        planner.recordRemoteFailure(remote: Self.cloud.url, error: "connection refused", now: 100)
        let skipped = planner.decide(model: "alexnet", imageBytes: 1, local: cold(), now: 101)
        #expect(skipped.side == .local && skipped.reason.contains("failed recently"))
        #expect(planner.decide(model: "alexnet", imageBytes: 1, local: cold(), now: 102.5).side == .remote, "2 s backoff over")
        planner.recordRemoteFailure(remote: Self.cloud.url, error: "timed out", now: 103)
        #expect(planner.decide(model: "alexnet", imageBytes: 1, local: cold(), now: 106).side == .local, "second failure: 4 s")
        #expect(planner.decide(model: "alexnet", imageBytes: 1, local: cold(), now: 107.5).side == .remote)
        for i in 0..<20 { planner.recordRemoteFailure(remote: Self.cloud.url, error: "down", now: 200 + Double(i)) }
        #expect(planner.health(of: Self.cloud.url).downUntil == 219 + OffloadPlanner.maximumBackoff, "capped")
        #expect(planner.status(now: 220).remotes[0].backingOffSeconds != nil)
        #expect(planner.status(now: 220).remotes[0].lastError == "down")

        Self.teach(&planner, model: "alexnet", roundTrip: 1, bytesPerMs: 10_000, remoteServe: 5)
        #expect(planner.health(of: Self.cloud.url).downUntil == nil && planner.health(of: Self.cloud.url).consecutiveFailures == 0)
        let status = planner.status(now: 300)
        #expect(status.remote == 6 && status.remotes[0].failures == 22 && status.remotes[0].requests == 28)
        #expect(abs(status.remotes[0].roundTripMs! - 1) < 0.01)
        #expect(abs(status.remotes[0].megabytesPerSecond! - 10) < 0.01, "10,000 bytes per ms = 10 MB/s")
    }

    @Test func whenTheRemoteWinsAWarmModelStillRunsHereNowAndThen() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        planner.probeInterval = 4
        Self.teach(&planner, model: "alexnet", roundTrip: 0.3, bytesPerMs: 1_000_000, remoteServe: 8)
        Self.teachLocal(&planner, model: "alexnet", base: 55, perMB: 5, load: 1300)
        var sides: [Placement.Side] = []
        for _ in 0..<8 { sides.append(planner.decide(model: "alexnet", imageBytes: 100_000, local: warm(), now: 0).side) }
        #expect(sides == [.remote, .remote, .remote, .local, .remote, .remote, .remote, .local])
        // Cold here, a probe would pay a load: never.
        #expect((0..<8).allSatisfy { _ in planner.decide(model: "alexnet", imageBytes: 100_000, local: cold(), now: 0).side == .remote })
    }

    @Test func aFailureForOneModelSkipsOnlyThatModelAndConcurrentFailuresCountOnce() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .always)
        planner.recordRemoteFailure(remote: Self.cloud.url, model: "nin", error: "404 unknown model", now: 10)
        #expect(planner.decide(model: "nin", imageBytes: 1, local: cold(), now: 11).side == .local)
        #expect(planner.decide(model: "alexnet", imageBytes: 1, local: cold(), now: 11).side == .remote, "the remote still serves the others")
        #expect(planner.decide(model: "nin", imageBytes: 1, local: cold(), now: 10 + OffloadPlanner.maximumBackoff + 1).side == .remote)

        // Three requests decided at 20, all failing at 21-23: one backoff of 2 s from the first, not 8 s.
        planner.recordRemoteFailure(remote: Self.cloud.url, error: "refused", now: 21, decidedAt: 20)
        planner.recordRemoteFailure(remote: Self.cloud.url, error: "refused", now: 22, decidedAt: 20)
        planner.recordRemoteFailure(remote: Self.cloud.url, error: "refused", now: 23, decidedAt: 20)
        #expect(planner.health(of: Self.cloud.url).consecutiveFailures == 1 && planner.health(of: Self.cloud.url).downUntil == 23)
        #expect(planner.health(of: Self.cloud.url).failures == 4)
    }

    @Test func countersSeparateLocalRemoteAndFallback() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        planner.recordLocal(model: "nin", imageBytes: 1, serveMs: 10, loadMs: 0, fileBytes: 1)
        planner.recordLocal(model: "nin", imageBytes: 1, serveMs: 10, loadMs: 0, fileBytes: 1, fallback: true)
        Self.teach(&planner, model: "nin", roundTrip: 1, bytesPerMs: 1000, remoteServe: 1)
        #expect(planner.counters == OffloadPlanner.Counters(local: 1, remote: 6, fallback: 1))
    }

    @Test func loadPriorsComeFromOtherModelsBeforeAModelsFirstLoad() {
        var planner = OffloadPlanner(remotes: [Self.cloud], defaultMode: .auto)
        #expect(planner.predictLoad(model: "nin", fileBytes: 30_000_000) == OffloadPlanner.loadPriorBase + 30 * OffloadPlanner.loadPriorPerMB)
        planner.recordLocal(model: "alexnet", imageBytes: 1, serveMs: 10, loadMs: 1220, fileBytes: 244_000_000)
        #expect(abs(planner.predictLoad(model: "nin", fileBytes: 30_000_000) - 150) < 0.01, "5 ms per MB learned from alexnet")
        #expect(planner.predictLoad(model: "alexnet", fileBytes: 244_000_000) == 1220)
    }
}

@Suite struct OnlineLinearFitTests {
    @Test func recoversALineAndFollowsAChange() {
        var fit = OnlineLinearFit()
        #expect(fit.predict(1) == nil)
        for x in stride(from: 0.0, through: 100, by: 10) { fit.observe(x: x, y: 5 + 2 * x) }
        #expect(abs(fit.slope! - 2) < 1e-9 && abs(fit.predict(0)! - 5) < 1e-9)
        // The link gets slower: after a few dozen points the fit follows.
        for _ in 0..<4 { for x in stride(from: 0.0, through: 100, by: 10) { fit.observe(x: x, y: 5 + 4 * x) } }
        #expect(abs(fit.slope! - 4) < 0.1)
    }

    @Test func withoutSpreadItPredictsTheMeanAndNeverANegativeSlope() {
        var fit = OnlineLinearFit()
        for y in [10.0, 12, 14] { fit.observe(x: 50_000, y: y) }
        #expect(fit.slope == nil)
        #expect(fit.predict(5_000_000)! > 10 && fit.predict(5_000_000)! < 14)
        var noisy = OnlineLinearFit()
        noisy.observe(x: 1000, y: 20)
        noisy.observe(x: 100_000, y: 10)
        #expect(noisy.slope == nil, "more bytes never take less time")
        noisy.observe(x: .nan, y: 1)
        #expect(noisy.count == 2)
    }

    @Test func movingAverageStartsAtTheFirstValue() {
        var average = MovingAverage(alpha: 0.5)
        average.observe(10)
        #expect(average.value == 10)
        average.observe(20)
        #expect(average.value == 15 && average.count == 2)
    }
}
