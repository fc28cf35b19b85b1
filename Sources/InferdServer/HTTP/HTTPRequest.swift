import NIOCore
import NIOHTTP1

/// A complete request as the routes see it: the body has been read whole (within the size limit).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The path without the query, percent-decoded per segment by the router.
    public var path: String
    /// Query parameters (last value wins), percent-decoded.
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// Values of `{name}` segments of the matched route.
    public var parameters: [String: String] = [:]
    /// The connected process (`SO_PEERCRED`), nil when the transport has none.
    public var peer: PeerCredentials?
    /// The client's `IP:port` when the request came over TCP; nil on the Unix socket.
    public var clientAddress: String?

    /// True when the request came over a TCP listener (no peer credentials; admin calls need the token).
    public var isNetworked: Bool { clientAddress != nil }

    /// Splits `uri` into path and query.
    public init(method: HTTPMethod, uri: String, headers: HTTPHeaders, body: ByteBuffer, peer: PeerCredentials? = nil,
                clientAddress: String? = nil) {
        self.method = method
        self.peer = peer
        self.clientAddress = clientAddress
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.isEmpty ? "/" : String(parts[0])
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") where !pair.isEmpty {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(keyValue[0])
                query[key] = keyValue.count > 1 ? Self.decode(keyValue[1]) : ""
            }
        }
        self.query = query
    }

    /// The `{name}` parameter of the route (routes only declare parameters they match, so it is there).
    public func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The body bytes as an array.
    public var bodyBytes: [UInt8] { body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [] }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

import Foundation
