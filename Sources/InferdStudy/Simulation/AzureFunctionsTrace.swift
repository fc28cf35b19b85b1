/// Imports the Azure Functions public trace (Shahrad et al., "Serverless in the Wild", ATC'20): the
/// per-minute invocation-count CSV with one row per function —
/// `HashOwner,HashApp,HashFunction,Trigger,1,2,…,1440` — mapping functions onto models.
public enum AzureFunctionsTrace {
    /// Builds a trace from the CSV text.
    ///
    /// - Parameters:
    ///   - models: functions are ranked by total invocations and the i-th busiest maps to
    ///     `models[i % models.count]`, so the busiest functions land on distinct models.
    ///   - maxFunctions: how many of the busiest functions to keep.
    ///   - minutes: the minute range to import (1-based, inclusive).
    ///   - seed: spreads each minute's invocations uniformly (and reproducibly) within the minute.
    public static func importCSV(_ text: String, models: [String], maxFunctions: Int = 50,
                                 minutes: ClosedRange<Int> = 1...1440, seed: UInt64 = 1) throws(TraceError) -> Trace {
        guard !models.isEmpty else { throw TraceError("no models to map functions onto") }
        var lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",").map(String.init), header.count > 4,
              header[0] == "HashOwner" else {
            throw TraceError("not an Azure Functions invocation CSV (expected a HashOwner,HashApp,HashFunction,Trigger,1,… header)")
        }
        lines.removeFirst()
        let firstMinuteColumn = 4
        var functions: [(id: String, counts: [Int])] = []
        for (index, line) in lines.enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= firstMinuteColumn + 1 else {
                throw TraceError("row \(index + 2): expected \(header.count) columns")
            }
            let counts = fields.dropFirst(firstMinuteColumn).map { Int($0) ?? 0 }
            functions.append((String(fields[2]), counts))
        }
        functions.sort { $0.counts.reduce(0, +) > $1.counts.reduce(0, +) }
        var random = SeededRandom(seed: seed)
        var events: [TraceEvent] = []
        for (rank, function) in functions.prefix(maxFunctions).enumerated() {
            let model = models[rank % models.count]
            for minute in minutes where minute - 1 < function.counts.count {
                for _ in 0..<function.counts[minute - 1] {
                    let time = Double(minute - minutes.lowerBound) * 60 + random.unit() * 60
                    events.append(TraceEvent(time: time, model: model))
                }
            }
        }
        return Trace(events: events)
    }
}
