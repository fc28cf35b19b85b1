import Core
import Testing

/// The pure policies on hand-worked inputs.
@Suite struct EvictionPolicyTests {
    let mib: Int64 = 1_048_576

    func candidate(_ name: String, mib size: Int64, cost: Double = 10, lastUsed: Double, expiresAt: Double? = nil) -> EvictionCandidate {
        EvictionCandidate(name: name, bytes: size * mib, loadCost: cost, lastUsed: lastUsed, loadedAt: 0, expiresAt: expiresAt)
    }

    @Test func lruEvictsTheLeastRecentlyUsedFirst() {
        let order = LRUPolicy().order([candidate("a", mib: 1, lastUsed: 5), candidate("b", mib: 1, lastUsed: 2),
                                       candidate("c", mib: 1, lastUsed: 9)], now: 10)
        #expect(order.map(\.name) == ["b", "a", "c"])
    }

    @Test func lfuEvictsTheLeastFrequentThenTheLeastRecent() {
        var policy = LFUPolicy()
        let a = candidate("a", mib: 1, lastUsed: 1), b = candidate("b", mib: 1, lastUsed: 2), c = candidate("c", mib: 1, lastUsed: 3)
        for _ in 0..<3 { policy.recordAccess(a, now: 1) }
        policy.recordAccess(b, now: 2)
        policy.recordAccess(c, now: 3)
        // b and c have 1 access each; b is older. a has 3.
        #expect(policy.order([a, b, c], now: 4).map(\.name) == ["b", "c", "a"])
        // LFU keeps counting across an eviction (perfect LFU).
        policy.recordEviction("a", now: 5)
        #expect(policy.frequency["a"] == 3)
    }

    @Test func gdsfWeighsCostAgainstSizeAndInflates() {
        var policy = GDSFPolicy()
        // a: big and cheap to reload (10 ms / 100 MiB -> 0.1); b: small and expensive (100 ms / 50 MiB -> 2).
        let a = candidate("a", mib: 100, cost: 10, lastUsed: 2)
        let b = candidate("b", mib: 50, cost: 100, lastUsed: 1)
        policy.recordAccess(b, now: 1)
        policy.recordAccess(a, now: 2)
        // LRU would pick b (older); GDSF picks a.
        #expect(policy.order([a, b], now: 3).map(\.name) == ["a", "b"])
        #expect(abs(policy.priority["a"]! - 0.1) < 1e-9)
        policy.recordEviction("a", now: 3)
        #expect(abs(policy.inflation - 0.1) < 1e-9)
        // A model accessed after inflation starts from L: c (10 ms / 10 MiB = 1) gets 1.1.
        let c = candidate("c", mib: 10, cost: 10, lastUsed: 4)
        policy.recordAccess(c, now: 4)
        #expect(abs(policy.priority["c"]! - 1.1) < 1e-9)
        // Frequency raises priority: b accessed again -> 2 + 2 * 2 ... = L_at_access + 2 * 2 = 0.1 + 4.
        policy.recordAccess(b, now: 5)
        #expect(abs(policy.priority["b"]! - 4.1) < 1e-9)
        #expect(policy.order([b, c], now: 6).map(\.name) == ["c", "b"])
    }

    @Test func keepAliveEvictsTheEarliestExpiryFirstAndNeverExpiringLast() {
        let order = KeepAlivePolicy().order([
            candidate("forever", mib: 1, lastUsed: 0, expiresAt: nil),
            candidate("late", mib: 1, lastUsed: 1, expiresAt: 100),
            candidate("soon", mib: 1, lastUsed: 5, expiresAt: 20),
        ], now: 10)
        #expect(order.map(\.name) == ["soon", "late", "forever"])
    }

    @Test func manualNeverEvictsOnItsOwn() {
        #expect(ManualPolicy().evictsAutomatically == false)
        #expect(LRUPolicy().evictsAutomatically)
    }

    @Test func policyNamesParseAndUnknownOnesAreClearErrors() throws {
        #expect(try EvictionPolicyKind.parse("GDSF") == .gdsf)
        #expect(throws: ConfigurationError.self) { try EvictionPolicyKind.parse("fifo") }
        do {
            _ = try EvictionPolicyKind.parse("fifo")
        } catch {
            #expect(error.message.contains("lru, lfu, gdsf, ttl, manual"))
        }
    }
}
