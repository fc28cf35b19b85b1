/// Hit ratio against the budget for every budget at once, from one pass over a trace.
///
/// - **LRU** by byte stack distances (Mattson et al., 1970, with sizes): LRU that evicts the least
///   recent models until the newcomer fits always holds the longest prefix of the recency stack that
///   fits, so a request hits under budget B exactly when its model plus every distinct model used
///   since its last request fit in B. Exact for the plain policy (no churn guard, pins or keep-alive,
///   every model no larger than B) with answers taking no time.
/// - **Upper bound** on any policy's hit ratio for mixed sizes (PFOO-L, Berger et al., SIGMETRICS'18):
///   each reuse interval of a model costs size × length (in requests); a cache of B bytes has B × N
///   byte-requests to spend over N requests, so at most the cheapest intervals whose costs fit can be
///   hits. Belady's farthest-next-use is optimal only for equal sizes; this bound holds for any sizes.
public struct MissRatioCurves: Sendable {
    /// Per request, the bytes an LRU cache needs for it to hit (`nil` for a first request).
    public let stackDistances: [Int64?]
    /// Reuse-interval costs (size × length in requests), sorted, with running sums.
    let intervalCosts: [Double]
    let costPrefix: [Double]
    public let requests: Int

    /// One pass over `trace` with model sizes from `sizes`.
    public init(trace: Trace, sizes: [String: Int64]) {
        self.init(trace: CompactTrace(trace), sizes: sizes)
    }

    /// One pass over `trace`'s columns with model sizes from `sizes` (a model without one counts 0 B).
    public init(trace: CompactTrace, sizes: [String: Int64]) {
        let size = trace.names.map { sizes[$0] ?? 0 }
        var stack: [Int32] = []   // most recent first
        var distances: [Int64?] = []
        distances.reserveCapacity(trace.count)
        var lastSeen = [Int](repeating: -1, count: trace.names.count)
        var costs: [Double] = []
        costs.reserveCapacity(trace.count)
        for (index, model) in trace.modelIDs.enumerated() {
            if let position = stack.firstIndex(of: model) {
                var bytes: Int64 = 0
                for above in stack[...position] { bytes += size[Int(above)] }
                distances.append(bytes)
                stack.remove(at: position)
            } else {
                distances.append(nil)
            }
            stack.insert(model, at: 0)
            let last = lastSeen[Int(model)]
            if last >= 0 { costs.append(Double(size[Int(model)]) * Double(index - last)) }
            lastSeen[Int(model)] = index
        }
        stackDistances = distances
        intervalCosts = costs.sorted()
        var running = 0.0
        costPrefix = intervalCosts.map { running += $0; return running }
        requests = trace.count
    }

    /// LRU's hits under `budget` bytes.
    public func lruHits(budget: Int64) -> Int {
        stackDistances.reduce(0) { $0 + (($1 ?? .max) <= budget ? 1 : 0) }
    }

    /// At most this many requests can hit under `budget` bytes, whatever the policy.
    public func hitBound(budget: Int64) -> Int {
        let capacity = Double(budget) * Double(requests)
        var low = 0, high = costPrefix.count
        while low < high {
            let middle = (low + high) / 2
            if costPrefix[middle] <= capacity { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
