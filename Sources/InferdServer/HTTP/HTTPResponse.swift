import Foundation
import InferdWire
import NIOCore
import NIOHTTP1

/// A complete response. The server adds `Content-Length` (every answer has one) and connection headers.
public struct HTTPResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer

    public init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Encodes `value` as JSON (`snake_case` keys come from the types' coding keys).
    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        do {
            let data = try JSONCoding.encoder.encode(value)
            return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: ByteBuffer(bytes: data))
        } catch {
            return .error(InferdError(.inferenceFailed, "cannot encode the answer: \(error)"))
        }
    }

    /// The JSON ``ErrorBody`` for `error`, with its HTTP status.
    public static func error(_ error: InferdError) -> HTTPResponse {
        json(ErrorBody(error: error.message, code: error.code), status: HTTPResponseStatus(statusCode: error.httpStatus))
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
