import ArgumentParser
import Foundation
import InferdStudy

/// `inferctl trace`: make request traces for `replay` and `simulate`.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Generate seeded synthetic traces, or import the Azure Functions trace.",
        discussion: """
        A trace is CSV (time,model[,image]; time in seconds from the start) or JSON Lines \
        ({"time": 1.5, "model": "squeezenet", "image": "samples/coffee.jpg"}); the output file's \
        extension (.csv, .jsonl) picks the format.
        """,
        subcommands: [GenerateTraceCommand.self, ImportAzureTraceCommand.self]
    )
}

/// `inferctl trace generate`.
struct GenerateTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded synthetic trace: Zipf or uniform popularity, Poisson, bursty or diurnal arrivals.",
        discussion: """
        Examples:
          inferctl trace generate --models squeezenet,nin,efficientnet-lite0 --popularity zipf:1.0 \\
              --arrivals poisson:2 --duration 600 --seed 7 --output trace.csv
          --arrivals bursty:RATE,ON_SECONDS,OFF_SECONDS   Poisson at RATE during ON, silent during OFF
          --arrivals diurnal:MEAN_RATE,AMPLITUDE,PERIOD   rate = MEAN x (1 + AMPLITUDE x sin(2 pi t / PERIOD))
        The same seed gives the same trace.
        """
    )

    @Option(help: ArgumentHelp("Models, most popular first (comma-separated).", valueName: "names"))
    var models: String

    @Option(help: ArgumentHelp("zipf:EXPONENT or uniform.", valueName: "spec"))
    var popularity = "zipf:1.0"

    @Option(help: ArgumentHelp("poisson:RATE, bursty:RATE,ON,OFF or diurnal:MEAN,AMPLITUDE,PERIOD (rates per second).", valueName: "spec"))
    var arrivals = "poisson:1"

    @Option(help: ArgumentHelp("Length in seconds.", valueName: "seconds"))
    var duration: Double = 600

    @Option(help: ArgumentHelp("At most this many requests.", valueName: "n"))
    var maxRequests: Int = 10_000_000

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Images to attach, in turn (comma-separated paths).", valueName: "paths"))
    var images: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (.csv or .jsonl); standard output when omitted (CSV).", valueName: "path"))
    var output: String?

    func validate() throws {
        _ = try parsed()
        guard duration > 0, maxRequests > 0 else { throw ValidationError("--duration and --max-requests must be positive") }
    }

    func parsed() throws -> TraceGenerator {
        let names = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--models needs at least one name") }
        return TraceGenerator(models: names, popularity: try Self.popularity(popularity), arrivals: try Self.arrivals(arrivals), seed: seed)
    }

    static func popularity(_ text: String) throws -> TraceGenerator.Popularity {
        if text == "uniform" { return .uniform }
        if text.hasPrefix("zipf:"), let exponent = Double(text.dropFirst(5)), exponent >= 0 { return .zipf(exponent: exponent) }
        throw ValidationError("--popularity must be zipf:EXPONENT (>= 0) or uniform, not \(text)")
    }

    static func arrivals(_ text: String) throws -> TraceGenerator.Arrivals {
        let parts = text.split(separator: ":", maxSplits: 1)
        let numbers = parts.count == 2 ? parts[1].split(separator: ",").compactMap { Double($0) } : []
        switch (parts.first.map(String.init), numbers.count) {
        case ("poisson", 1) where numbers[0] > 0:
            return .poisson(rate: numbers[0])
        case ("bursty", 3) where numbers[0] > 0 && numbers[1] > 0 && numbers[2] >= 0:
            return .bursty(rate: numbers[0], on: numbers[1], off: numbers[2])
        case ("diurnal", 3) where numbers[0] > 0 && (0...1).contains(numbers[1]) && numbers[2] > 0:
            return .diurnal(meanRate: numbers[0], amplitude: numbers[1], period: numbers[2])
        default:
            throw ValidationError("--arrivals must be poisson:RATE, bursty:RATE,ON,OFF or diurnal:MEAN,AMPLITUDE(0-1),PERIOD with positive values, not \(text)")
        }
    }

    func run() throws {
        var trace = try parsed().generate(duration: duration, maxEvents: maxRequests)
        if let images {
            let paths = images.split(separator: ",").map(String.init)
            if !paths.isEmpty {
                for index in trace.events.indices { trace.events[index].image = paths[index % paths.count] }
            }
        }
        try TraceOutput.write(trace, to: output)
        printError("wrote \(trace.events.count) requests over \(String(format: "%.0f", trace.duration)) s for \(trace.models.count) models")
    }
}

/// `inferctl trace import-azure`.
struct ImportAzureTraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-azure",
        abstract: "Import the Azure Functions public trace's per-minute invocation counts, mapping functions onto models.",
        discussion: """
        Input: one invocations_per_function_md.anon.d*.csv file of the Azure Functions 2019 trace \
        (HashOwner,HashApp,HashFunction,Trigger,1…1440). The busiest functions map onto the models in \
        turn; each minute's invocations spread uniformly (seeded) within the minute.
        """
    )

    @Argument(help: "The Azure Functions invocation CSV.")
    var csv: String

    @Option(help: ArgumentHelp("Models to map functions onto (comma-separated).", valueName: "names"))
    var models: String

    @Option(help: "How many of the busiest functions to keep.")
    var functions: Int = 50

    @Option(help: ArgumentHelp("Minute range, FIRST-LAST (1-based).", valueName: "range"))
    var minutes = "1-1440"

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file (.csv or .jsonl).", valueName: "path"))
    var output: String?

    func validate() throws {
        _ = try minuteRange()
        guard functions > 0 else { throw ValidationError("--functions must be positive") }
    }

    func minuteRange() throws -> ClosedRange<Int> {
        let bounds = minutes.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] >= 1, bounds[0] <= bounds[1] else {
            throw ValidationError("--minutes must be FIRST-LAST with 1 <= FIRST <= LAST, not \(minutes)")
        }
        return bounds[0]...bounds[1]
    }

    func run() throws {
        guard let text = try? String(contentsOfFile: csv, encoding: .utf8) else {
            throw TraceError("cannot read \(csv)")
        }
        let names = models.split(separator: ",").map(String.init)
        let trace = try AzureFunctionsTrace.importCSV(text, models: names, maxFunctions: functions,
                                                      minutes: try minuteRange(), seed: seed)
        try TraceOutput.write(trace, to: output)
        printError("imported \(trace.events.count) requests")
    }
}

/// Writes a trace to a file (format by extension) or standard output (CSV).
enum TraceOutput {
    static func write(_ trace: Trace, to path: String?) throws {
        guard let path else {
            print(trace.csv(), terminator: "")
            return
        }
        let text = path.hasSuffix(".jsonl") || path.hasSuffix(".json") ? trace.jsonLines() : trace.csv()
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw TraceError("cannot write \(path)")
        }
    }
}
