#if canImport(Glibc)
import Glibc
#endif

/// Seeded synthetic traces: which model (popularity) and when (arrivals).
public struct TraceGenerator: Sendable {
    /// How requests spread over models.
    public enum Popularity: Sendable, Equatable {
        /// Model of rank k (1-based, in the given order) has weight 1 / k^exponent.
        case zipf(exponent: Double)
        case uniform
    }

    /// When requests arrive.
    public enum Arrivals: Sendable, Equatable {
        /// Poisson process, `rate` requests a second.
        case poisson(rate: Double)
        /// On/off bursts: Poisson at `rate` during `on` seconds, silence for `off` seconds.
        case bursty(rate: Double, on: Double, off: Double)
        /// A day-like cycle: rate(t) = mean × (1 + amplitude × sin(2πt / period)), amplitude in 0...1.
        case diurnal(meanRate: Double, amplitude: Double, period: Double)
    }

    public var models: [String]
    public var popularity: Popularity
    public var arrivals: Arrivals
    public var seed: UInt64

    public init(models: [String], popularity: Popularity, arrivals: Arrivals, seed: UInt64) {
        self.models = models
        self.popularity = popularity
        self.arrivals = arrivals
        self.seed = seed
    }

    /// A trace of `duration` seconds (at most `maxEvents` events).
    public func generate(duration: Double, maxEvents: Int = .max) -> Trace {
        precondition(!models.isEmpty, "a trace needs at least one model")
        var random = SeededRandom(seed: seed)
        let cumulative = cumulativeWeights()
        var events: [TraceEvent] = []
        var time = 0.0
        while events.count < maxEvents {
            guard let next = nextArrival(after: time, random: &random, duration: duration) else { break }
            time = next
            let u = random.unit() * cumulative.last!
            let index = cumulative.firstIndex { u <= $0 } ?? models.count - 1
            events.append(TraceEvent(time: time, model: models[index]))
        }
        return Trace(events: events)
    }

    private func cumulativeWeights() -> [Double] {
        var sum = 0.0
        return models.indices.map { index in
            switch popularity {
            case .uniform: sum += 1
            case .zipf(let exponent): sum += 1 / pow(Double(index + 1), exponent)
            }
            return sum
        }
    }

    private func nextArrival(after time: Double, random: inout SeededRandom, duration: Double) -> Double? {
        switch arrivals {
        case .poisson(let rate):
            let next = time + random.exponential(rate: rate)
            return next <= duration ? next : nil
        case .bursty(let rate, let on, let off):
            var next = time + random.exponential(rate: rate)
            let cycle = on + off
            let phase = next.truncatingRemainder(dividingBy: cycle)
            if phase >= on { next += cycle - phase }   // skip the silent part
            return next <= duration ? next : nil
        case .diurnal(let mean, let amplitude, let period):
            // Thinning (Lewis & Shedler): candidates at the peak rate, kept with rate(t) / peak.
            let peak = mean * (1 + amplitude)
            var next = time
            while true {
                next += random.exponential(rate: peak)
                guard next <= duration else { return nil }
                let rate = mean * (1 + amplitude * sin(2 * Double.pi * next / period))
                if random.unit() * peak <= rate { return next }
            }
        }
    }
}
