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
    /// The models the trace names, sorted.
    public var models: [String] { Array(Set(events.map(\.model))).sorted() }

    /// Reads a trace file; `.jsonl`/`.json` files are JSON Lines, anything else CSV.
    public static func load(_ path: String) throws(TraceError) -> Trace {
        try parse(try TraceFile.read(path), jsonLines: path.hasSuffix(".jsonl") || path.hasSuffix(".json"))
    }

    /// Parses trace text. Errors name the line.
    public static func parse(_ text: String, jsonLines: Bool) throws(TraceError) -> Trace {
        try parse(Data(text.utf8), jsonLines: jsonLines)
    }

    /// Parses trace bytes. CSV is read byte by byte (a million lines in a fraction of a second), model
    /// names interned so equal names share one string. Errors name the line.
    public static func parse(_ data: Data, jsonLines: Bool) throws(TraceError) -> Trace {
        var events: [TraceEvent] = []
        var comments: [String] = []
        var names: [[UInt8]: String] = [:]
        let decoder = JSONDecoder()
        let bytes = [UInt8](data)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            defer { start = end + 1 }
            var first = start, last = end
            while first < last, bytes[first] == 32 || bytes[first] == 9 { first += 1 }
            while last > first, bytes[last - 1] == 32 || bytes[last - 1] == 9 || bytes[last - 1] == 13 { last -= 1 }
            if first == last { continue }
            if bytes[first] == UInt8(ascii: "#") {
                comments.append(String(decoding: bytes[(first + 1)..<last], as: UTF8.self).trimmingCharacters(in: .whitespaces))
                continue
            }
            if jsonLines {
                guard let event = try? decoder.decode(TraceEvent.self, from: Data(bytes[first..<last])) else {
                    throw TraceError("line \(lineNumber): not a trace event {\"time\": seconds, \"model\": name}")
                }
                events.append(event)
                continue
            }
            var fields: [Range<Int>] = []
            var fieldStart = first
            for index in first...last where index == last || bytes[index] == UInt8(ascii: ",") {
                var a = fieldStart, b = index
                while a < b, bytes[a] == 32 { a += 1 }
                while b > a, bytes[b - 1] == 32 { b -= 1 }
                fields.append(a..<b)
                fieldStart = index + 1
            }
            guard fields.count >= 2 else { throw TraceError("line \(lineNumber): expected time,model[,image]") }
            guard let time = Self.number(bytes, fields[0]) else {
                let word = String(decoding: bytes[fields[0]], as: UTF8.self)
                if events.isEmpty && word.lowercased() == "time" { continue }   // header
                throw TraceError("line \(lineNumber): time \"\(word)\" is not a number")
            }
            guard time >= 0, time.isFinite, !fields[1].isEmpty else {
                throw TraceError("line \(lineNumber): time must be >= 0 and model non-empty")
            }
            let key = Array(bytes[fields[1]])
            let model: String
            if let known = names[key] {
                model = known
            } else {
                model = String(decoding: key, as: UTF8.self)
                names[key] = model
            }
            let image = fields.count > 2 && !fields[2].isEmpty ? String(decoding: bytes[fields[2]], as: UTF8.self) : nil
            events.append(TraceEvent(time: time, model: model, image: image))
        }
        return Trace(events: events, comments: comments)
    }

    /// A decimal number from `bytes[range]` (strtod on a terminated copy), `nil` when it is not one.
    private static func number(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, range.count < 64 else { return nil }
        var buffer = [CChar](repeating: 0, count: range.count + 1)
        for (offset, index) in range.enumerated() { buffer[offset] = CChar(bitPattern: bytes[index]) }
        return buffer.withUnsafeBufferPointer { pointer -> Double? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(pointer.baseAddress!, &end)
            guard let end, end == UnsafeMutablePointer(mutating: pointer.baseAddress! + range.count) else { return nil }
            return value
        }
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
