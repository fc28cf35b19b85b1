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
    /// The file's `#` comment lines, without the `#` (`trace generate` records its parameters there).
    public var comments: [String]

    public init(events: [TraceEvent], comments: [String] = []) {
        var sorted = true
        for index in events.indices.dropFirst() where events[index].time < events[index - 1].time {
            sorted = false
            break
        }
        // A stable sort: requests at the same time keep the file's order.
        self.events = sorted ? events : events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        self.comments = comments
    }

    /// Length in seconds (time of the last event).
    public var duration: Double { events.last?.time ?? 0 }
    /// The models the trace names, sorted (one pass over the events: keep the answer).
    public var models: [String] { Array(Set(events.map(\.model))).sorted() }

    /// Reads a trace file; `.jsonl`/`.json` files are JSON Lines, anything else CSV.
    public static func load(_ path: String) throws(TraceError) -> Trace {
        try parse(try TraceFile.read(path), jsonLines: path.hasSuffix(".jsonl") || path.hasSuffix(".json"))
    }

    /// Parses trace text. Errors name the line.
    public static func parse(_ text: String, jsonLines: Bool) throws(TraceError) -> Trace {
        try parse(Data(text.utf8), jsonLines: jsonLines)
    }

    /// Parses trace bytes: CSV through ``CompactTrace/parseCSV(_:)`` (byte by byte, model names interned),
    /// JSON Lines one line at a time. Errors name the line.
    public static func parse(_ data: Data, jsonLines: Bool) throws(TraceError) -> Trace {
        guard jsonLines else { return try CompactTrace.parseCSV(data).trace }
        var events: [TraceEvent] = []
        var comments: [String] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if text.isEmpty { continue }
            if text.hasPrefix("#") {
                comments.append(text.dropFirst().trimmingCharacters(in: .whitespaces))
                continue
            }
            guard let event = try? decoder.decode(TraceEvent.self, from: Data(text.utf8)) else {
                throw TraceError("line \(lineNumber): not a trace event {\"time\": seconds, \"model\": name}")
            }
            events.append(event)
        }
        return Trace(events: events, comments: comments)
    }

    /// The trace as CSV with a header.
    public func csv() -> String {
        var out = comments.map { "# \($0)\n" }.joined() + "time,model,image\n"
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
