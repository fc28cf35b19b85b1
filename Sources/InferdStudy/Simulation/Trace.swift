import Foundation

/// One request of a trace: when (seconds from the trace's start), which model, and optionally which image.
public struct TraceEvent: Sendable, Equatable, Codable {
    public var time: Double
    public var model: String
    public var image: String?

    public init(time: Double, model: String, image: String? = nil) {
        self.time = time
        self.model = model
        self.image = image
    }
}

/// Why a trace could not be read.
public struct TraceError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A request trace: CSV (`time,model[,image]`, header optional) or JSON Lines
/// (`{"time": 1.5, "model": "squeezenet", "image": "samples/coffee.jpg"}`), sorted by time.
public struct Trace: Sendable, Equatable {
    public var events: [TraceEvent]

    public init(events: [TraceEvent]) {
        self.events = events.sorted { $0.time < $1.time }
    }

    /// Length in seconds (time of the last event).
    public var duration: Double { events.last?.time ?? 0 }
    /// The models the trace names, sorted.
    public var models: [String] { Array(Set(events.map(\.model))).sorted() }

    /// Reads a trace file; `.jsonl`/`.json` files are JSON Lines, anything else CSV.
    public static func load(_ path: String) throws(TraceError) -> Trace {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw TraceError("cannot read trace \(path)")
        }
        return try parse(text, jsonLines: path.hasSuffix(".jsonl") || path.hasSuffix(".json"))
    }

    /// Parses trace text. Errors name the line.
    public static func parse(_ text: String, jsonLines: Bool) throws(TraceError) -> Trace {
        var events: [TraceEvent] = []
        let decoder = JSONDecoder()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if jsonLines {
                guard let event = try? decoder.decode(TraceEvent.self, from: Data(line.utf8)) else {
                    throw TraceError("line \(index + 1): not a trace event {\"time\": seconds, \"model\": name}")
                }
                events.append(event)
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2 else { throw TraceError("line \(index + 1): expected time,model[,image]") }
            guard let time = Double(fields[0]) else {
                if index == 0 || events.isEmpty && fields[0].lowercased() == "time" { continue }   // header
                throw TraceError("line \(index + 1): time \"\(fields[0])\" is not a number")
            }
            guard time >= 0, time.isFinite, !fields[1].isEmpty else {
                throw TraceError("line \(index + 1): time must be >= 0 and model non-empty")
            }
            events.append(TraceEvent(time: time, model: fields[1], image: fields.count > 2 && !fields[2].isEmpty ? fields[2] : nil))
        }
        return Trace(events: events)
    }

    /// The trace as CSV with a header.
    public func csv() -> String {
        var out = "time,model,image\n"
        for event in events {
            out += String(format: "%.6f", event.time) + ",\(event.model),\(event.image ?? "")\n"
        }
        return out
    }

    /// The trace as JSON Lines.
    public func jsonLines() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return events.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }
}
