import Foundation

/// A trace as columns, what the simulator runs on: each request's time and its model as a small integer
/// into a table of names (sorted), so a million requests are two flat arrays and no strings.
///
/// CSV is read straight from bytes into these columns (``parseCSV(_:)``); ``Trace`` is built from them
/// when events are wanted, so there is one CSV reader.
public struct CompactTrace: Sendable, Equatable {
    /// The models, sorted; a request's model is an index into this.
    public var names: [String]
    /// Per request, sorted by time (ties keep the file's order).
    public var times: [Double]
    /// Per request, an index into ``names``.
    public var modelIDs: [Int32]
    /// Per request, an index into ``imageNames``, or -1 when the request names no image.
    public var imageIDs: [Int32]
    /// The images requests name, in order of first use.
    public var imageNames: [String]
    /// The file's `#` comment lines, without the `#`.
    public var comments: [String]

    /// Number of requests.
    public var count: Int { times.count }
    /// Length in seconds (time of the last request).
    public var duration: Double { times.last ?? 0 }

    /// The columns of `trace` (its events are already sorted).
    public init(_ trace: Trace) {
        var table = NameTable()
        var images = NameTable()
        times = trace.events.map(\.time)
        modelIDs = trace.events.map { table.id(of: $0.model) }
        imageIDs = trace.events.map { $0.image.map { images.id(of: $0) } ?? -1 }
        names = table.names
        imageNames = images.names
        comments = trace.comments
        sortNames()
    }

    private init(names: [String], times: [Double], modelIDs: [Int32], imageIDs: [Int32], imageNames: [String], comments: [String]) {
        self.names = names
        self.times = times
        self.modelIDs = modelIDs
        self.imageIDs = imageIDs
        self.imageNames = imageNames
        self.comments = comments
    }

    /// The trace as events.
    public var trace: Trace {
        Trace(events: times.indices.map {
            TraceEvent(time: times[$0], model: names[Int(modelIDs[$0])], image: imageIDs[$0] < 0 ? nil : imageNames[Int(imageIDs[$0])])
        }, comments: comments)
    }

    /// Renumbers models so ``names`` is sorted.
    private mutating func sortNames() {
        let order = names.indices.sorted { names[$0] < names[$1] }
        guard order != Array(names.indices) else { return }
        var renumber = [Int32](repeating: 0, count: names.count)
        for (new, old) in order.enumerated() { renumber[old] = Int32(new) }
        names = order.map { names[$0] }
        for index in modelIDs.indices { modelIDs[index] = renumber[Int(modelIDs[index])] }
    }

    /// Orders requests by time, stably (a file's requests at the same time keep their order).
    private mutating func sortByTime() {
        var sorted = true
        for index in times.indices.dropFirst() where times[index] < times[index - 1] {
            sorted = false
            break
        }
        guard !sorted else { return }
        let order = times.indices.sorted { (times[$0], $0) < (times[$1], $1) }
        times = order.map { times[$0] }
        modelIDs = order.map { modelIDs[$0] }
        imageIDs = order.map { imageIDs[$0] }
    }

    /// Reads CSV (`time,model[,image]`, a `time,...` header and `#` comment lines allowed) byte by byte:
    /// no string per line, model names interned once. Errors name the line.
    public static func parseCSV(_ data: Data) throws(TraceError) -> CompactTrace {
        var reader = CSVColumns()
        // A closure that returns its failure rather than throwing it (the 6.3 optimizer crashes
        // inlining a typed-throws closure here).
        let failure = [UInt8](data).withUnsafeBufferPointer { bytes -> TraceError? in
            do throws(TraceError) {
                try reader.read(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        var trace = CompactTrace(names: reader.models.names, times: reader.times, modelIDs: reader.modelIDs,
                                 imageIDs: reader.imageIDs, imageNames: reader.images.names, comments: reader.comments)
        trace.sortByTime()
        trace.sortNames()
        return trace
    }
}

/// Names interned to small integers, in order of first use. Looked up from bytes without making a
/// string (a trace names few models, so a linear search of byte arrays beats hashing).
private struct NameTable {
    var names: [String] = []
    var bytes: [[UInt8]] = []
    var last: Int32 = -1

    mutating func id(of name: String) -> Int32 {
        id(of: Array(name.utf8)[...])
    }

    mutating func id(of key: ArraySlice<UInt8>) -> Int32 {
        key.withUnsafeBufferPointer { id(of: UnsafeBufferPointer(rebasing: $0[...])) }
    }

    mutating func id(of key: UnsafeBufferPointer<UInt8>) -> Int32 {
        if last >= 0, Self.equal(bytes[Int(last)], key) { return last }
        for index in bytes.indices where Self.equal(bytes[index], key) {
            last = Int32(index)
            return last
        }
        bytes.append(Array(key))
        names.append(String(decoding: key, as: UTF8.self))
        last = Int32(bytes.count - 1)
        return last
    }

    static func equal(_ known: [UInt8], _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard known.count == key.count else { return false }
        return known.withUnsafeBufferPointer { memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }
    }
}

/// The CSV reader's state: the columns read so far.
private struct CSVColumns {
    var times: [Double] = []
    var modelIDs: [Int32] = []
    var imageIDs: [Int32] = []
    var models = NameTable()
    var images = NameTable()
    var comments: [String] = []

    static let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    static let carriageReturn = UInt8(ascii: "\r"), hash = UInt8(ascii: "#")

    mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(TraceError) {
        // Room for the lines (a line is at least a few bytes; generated traces run ~14 bytes a line).
        let estimate = bytes.count / 14 + 16
        times.reserveCapacity(estimate)
        modelIDs.reserveCapacity(estimate)
        imageIDs.reserveCapacity(estimate)
        var lineNumber = 0
        var start = 0
        let end = bytes.count
        while start < end {
            var stop = start
            while stop < end, bytes[stop] != Self.newline { stop += 1 }
            lineNumber += 1
            try line(bytes, start, stop, number: lineNumber)
            start = stop + 1
        }
    }

    mutating func line(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int, number: Int) throws(TraceError) {
        var first = start, last = stop
        while first < last, bytes[first] == Self.space || bytes[first] == Self.tab { first += 1 }
        while last > first, bytes[last - 1] == Self.space || bytes[last - 1] == Self.tab || bytes[last - 1] == Self.carriageReturn { last -= 1 }
        if first == last { return }
        if bytes[first] == Self.hash {
            comments.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[(first + 1)..<last]), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces))
            return
        }
        // Up to three fields: time, model, image (a fourth and later are ignored).
        var fields: (Range<Int>, Range<Int>, Range<Int>) = (first..<first, first..<first, first..<first)
        var count = 0
        var fieldStart = first
        var index = first
        while count < 3 {
            if index == last || bytes[index] == Self.comma {
                var a = fieldStart, b = index
                while a < b, bytes[a] == Self.space { a += 1 }
                while b > a, bytes[b - 1] == Self.space { b -= 1 }
                switch count {
                case 0: fields.0 = a..<b
                case 1: fields.1 = a..<b
                default: fields.2 = a..<b
                }
                count += 1
                fieldStart = index + 1
                if index == last { break }
            }
            index += 1
        }
        guard count >= 2 else { throw TraceError("line \(number): expected time,model[,image]") }
        guard let time = DecimalText.parse(bytes, fields.0) else {
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[fields.0]), as: UTF8.self)
            if times.isEmpty && word.lowercased() == "time" { return }   // header
            throw TraceError("line \(number): time \"\(word)\" is not a number")
        }
        guard time >= 0, time.isFinite, !fields.1.isEmpty else {
            throw TraceError("line \(number): time must be >= 0 and model non-empty")
        }
        times.append(time)
        modelIDs.append(models.id(of: UnsafeBufferPointer(rebasing: bytes[fields.1])))
        imageIDs.append(count > 2 && !fields.2.isEmpty ? images.id(of: UnsafeBufferPointer(rebasing: bytes[fields.2])) : -1)
    }
}
