@testable import InferdClient
import Testing

/// The client's HTTP/1.1 response framing: length, chunked, until close, split at any byte.
@Suite struct HTTPResponseParserTests {
    func parse(_ text: String, splitEvery step: Int = .max, close: Bool = false) throws -> HTTPResponseParser {
        var parser = HTTPResponseParser()
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            let done = try bytes[offset..<end].withUnsafeBytes { try parser.feed($0) }
            offset = end
            if done { break }
        }
        if close { try parser.finish() }
        return parser
    }

    @Test(arguments: [1, 3, 7, 1000])
    func contentLength(step: Int) throws {
        let parser = try parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\": true}", splitEvery: step)
        #expect(parser.isComplete)
        #expect(parser.status == 200)
        #expect(String(decoding: parser.body, as: UTF8.self) == "{\"a\": true}")
    }

    @Test(arguments: [1, 2, 5, 1000])
    func chunked(step: Int) throws {
        let text = "HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let parser = try parse(text, splitEvery: step)
        #expect(parser.isComplete)
        #expect(parser.status == 404)
        #expect(String(decoding: parser.body, as: UTF8.self) == "hello, world")
    }

    @Test func untilClose() throws {
        var parser = try parse("HTTP/1.1 200 OK\r\n\r\npartial", close: false)
        #expect(!parser.isComplete)
        try parser.finish()
        #expect(parser.isComplete)
        #expect(String(decoding: parser.body, as: UTF8.self) == "partial")
    }

    @Test func interimAnswersAreSkipped() throws {
        let parser = try parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        #expect(parser.status == 201)
        #expect(parser.isComplete)
    }

    @Test func truncatedBodyIsAnError() throws {
        #expect(throws: HTTPResponseParser.Failure.self) {
            _ = try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
        }
        #expect(throws: HTTPResponseParser.Failure.self) {
            _ = try parse("", close: true)
        }
        #expect(throws: HTTPResponseParser.Failure.self) {
            _ = try parse("SSH-2.0-OpenSSH\r\n\r\n")
        }
    }
}
