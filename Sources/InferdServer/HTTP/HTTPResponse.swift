import Foundation
import InferdWire
import NIOCore
import NIOHTTP1

/// A complete response. The server adds `Content-Length` (every answer has one) and connection headers.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// Where an inference ran (`local` or `remote`), for the request metrics; never sent.
    public var placement: String?

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Encodes `value` as JSON (`snake_case` keys come from the types' coding keys).
    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        do {
            return json(bytes: try JSONCoding.encoder.encode(value), status: status)
        } catch {
            return .error(InferdError(.inferenceFailed, "cannot encode the answer: \(error)"))
        }
    }

    /// `bytes`, already JSON text, as a JSON answer.
    public static func json(bytes: some Sequence<UInt8>, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: ByteBuffer(bytes: bytes))
    }

    /// This response, marked as an inference that ran on `side` (for the request metrics).
    public func placed(_ side: Placement.Side) -> HTTPResponse {
        var response = self
        response.placement = side.rawValue
        return response
    }

    /// ``InferdError/overloaded(_:retryAfter:)`` as the bytes of a complete HTTP/1.1 answer that
    /// closes the connection, for writing before any HTTP handler is set up.
    static func overloadedBytes(message: String, retryAfter: Int) -> [UInt8] {
        let response = error(.overloaded(message, retryAfter: retryAfter))
        var text = "HTTP/1.1 503 Service Unavailable\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(response.body.readableBytes)\r\nConnection: close\r\n\r\n"
        return Array(text.utf8) + Array(buffer: response.body)
    }

    /// The JSON ``ErrorBody`` for `error`, with its HTTP status, and `Retry-After` when the error
    /// says when to try again (``InferdError/retryAfter``: the 503s of an overloaded daemon).
    public static func error(_ error: InferdError) -> HTTPResponse {
        var response = json(ErrorBody(error: error.message, code: error.code), status: HTTPResponseStatus(statusCode: error.httpStatus))
        if let seconds = error.retryAfter { response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds)) }
        return response
    }
}

/// The JSON encoder and decoder the API uses.
enum JSONCoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }()

    /// Decodes `T` from `bytes`, mapping failures to a 400 that says what is wrong.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], what: String) throws(InferdError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw InferdError(.badRequest, "\(what): \(describe(error))")
        } catch {
            throw InferdError(.badRequest, "\(what): \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at \(keys.joined(separator: "."))"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "wrong type\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "not valid JSON\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
