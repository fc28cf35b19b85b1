/// Parses one HTTP/1.1 response from bytes as they arrive: status line, headers, then a body framed by
/// `Content-Length`, `Transfer-Encoding: chunked`, or the end of the connection. Interim `1xx`
/// answers are skipped.
struct HTTPResponseParser {
    /// What is wrong with the bytes received.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private enum Framing {
        case length(Int)
        case chunked
        case untilClose
    }

    /// Headers bigger than this are refused (the daemon sends a few hundred bytes).
    static let maximumHeadBytes = 64 * 1024

    private var buffer: [UInt8] = []
    /// Where unparsed bytes start in `buffer`.
    private var cursor = 0
    private var framing: Framing?
    /// Chunked state: bytes left in the current chunk, or nil when a chunk-size line is due.
    private var chunkRemaining: Int?
    private var sawLastChunk = false

    private(set) var status = 0
    private(set) var reason = ""
    private(set) var headers: [(name: String, value: String)] = []
    private(set) var body: [UInt8] = []
    private(set) var isComplete = false

    /// Adds `bytes` and parses as far as they allow. Returns true once the response is complete.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Bool {
        buffer.append(contentsOf: bytes)
        try advance()
        return isComplete
    }

    /// The peer closed the connection: completes a body framed by the close, or fails.
    mutating func finish() throws(Failure) {
        guard !isComplete else { return }
        guard let framing else {
            throw Failure(buffer.isEmpty ? "the connection closed before any answer" : "the connection closed inside the response head")
        }
        switch framing {
        case .untilClose:
            body.append(contentsOf: buffer[cursor...])
            cursor = buffer.count
            isComplete = true
        case .length(let length):
            throw Failure("the connection closed after \(body.count) of \(length) body bytes")
        case .chunked:
            throw Failure("the connection closed inside a chunked body")
        }
    }

    private mutating func advance() throws(Failure) {
        while !isComplete {
            if framing == nil {
                guard try parseHead() else { return }
            }
            switch framing! {
            case .length(let length):
                let take = min(length - body.count, buffer.count - cursor)
                body.append(contentsOf: buffer[cursor..<(cursor + take)])
                cursor += take
                if body.count == length { isComplete = true }
                compact()
                return
            case .untilClose:
                body.append(contentsOf: buffer[cursor...])
                cursor = buffer.count
                compact()
                return
            case .chunked:
                guard try parseChunks() else { compact(); return }
            }
        }
    }

    /// Parses the head when all of it has arrived. Returns false when more bytes are needed.
    private mutating func parseHead() throws(Failure) -> Bool {
        guard let end = find([13, 10, 13, 10], from: cursor) else {
            if buffer.count - cursor > Self.maximumHeadBytes { throw Failure("the response head is over \(Self.maximumHeadBytes) bytes") }
            return false
        }
        let text = String(decoding: buffer[cursor..<end], as: UTF8.self)
        cursor = end + 4
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]), (100...999).contains(code) else {
            throw Failure("not an HTTP/1.x status line: \"\(statusLine.prefix(80))\"")
        }
        var fields: [(name: String, value: String)] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure("bad header line \"\(line.prefix(80))\"") }
            fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmed(of: " \t")))
        }
        if (100..<200).contains(code) {
            // Interim answer (100 Continue): the real one follows.
            return try parseHead()
        }
        status = code
        reason = parts.count > 2 ? String(parts[2]) : ""
        headers = fields
        let value = { (name: String) in fields.first { $0.name.lowercased() == name }?.value }
        if code == 204 || code == 304 {
            framing = .length(0)
        } else if let encoding = value("transfer-encoding"), encoding.lowercased().contains("chunked") {
            framing = .chunked
        } else if let lengthText = value("content-length") {
            guard let length = Int(lengthText), length >= 0 else { throw Failure("bad Content-Length \"\(lengthText)\"") }
            framing = .length(length)
        } else {
            framing = .untilClose
        }
        return true
    }

    /// Parses as many chunks as have arrived. Returns false when more bytes are needed.
    private mutating func parseChunks() throws(Failure) -> Bool {
        while true {
            if sawLastChunk {
                // Trailers end with an empty line.
                if buffer.count - cursor >= 2, buffer[cursor] == 13, buffer[cursor + 1] == 10 {
                    cursor += 2
                    isComplete = true
                    return true
                }
                guard let end = find([13, 10], from: cursor) else { return false }
                cursor = end + 2
                continue
            }
            if let remaining = chunkRemaining {
                let take = min(remaining, buffer.count - cursor)
                body.append(contentsOf: buffer[cursor..<(cursor + take)])
                cursor += take
                if take < remaining { chunkRemaining = remaining - take; return false }
                guard buffer.count - cursor >= 2 else { chunkRemaining = 0; return false }
                guard buffer[cursor] == 13, buffer[cursor + 1] == 10 else { throw Failure("a chunk does not end with CRLF") }
                cursor += 2
                chunkRemaining = nil
                continue
            }
            guard let end = find([13, 10], from: cursor) else { return false }
            let line = String(decoding: buffer[cursor..<end], as: UTF8.self)
            let sizeText = line.split(separator: ";").first.map { $0.trimmed(of: " ") } ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw Failure("bad chunk size \"\(line.prefix(40))\"") }
            cursor = end + 2
            if size == 0 { sawLastChunk = true } else { chunkRemaining = size }
        }
    }

    private func find(_ pattern: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= pattern.count else { return nil }
        var i = start
        while i <= buffer.count - pattern.count {
            if buffer[i] == pattern[0], zip(pattern.indices, pattern).allSatisfy({ buffer[i + $0.0] == $0.1 }) { return i }
            i += 1
        }
        return nil
    }

    /// Drops consumed bytes once they are the bulk of the buffer.
    private mutating func compact() {
        if cursor > 0, cursor >= buffer.count / 2 {
            buffer.removeFirst(cursor)
            cursor = 0
        }
    }
}

private extension String {
    func trimmed(of set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

private extension Substring {
    func trimmed(of set: String) -> String { String(self).trimmed(of: set) }
}
