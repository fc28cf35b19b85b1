import InferdWire
import NIOCore

/// The Open Inference binary tensor extension: a body is a JSON header of
/// `Inference-Header-Content-Length` bytes followed by raw tensor bytes, each tensor taking the
/// `binary_data_size` its JSON entry declares, in order.
enum BinaryTensorBody {
    /// The header name, for requests and responses.
    static let headerLengthField = "Inference-Header-Content-Length"

    /// Splits a request body into its JSON header and the binary part that follows.
    ///
    /// - Throws: ``InferdError`` `.badRequest` when the declared header length is not a number or
    ///   is longer than the body.
    static func split(_ body: ByteBuffer, headerLength: String?) throws(InferdError) -> (json: [UInt8], binary: ByteBuffer) {
        guard let headerLength else {
            return (body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? [], ByteBuffer())
        }
        guard let length = Int(headerLength.trimmingCharacters(in: .whitespaces)), length >= 0, length <= body.readableBytes else {
            throw InferdError(.badRequest, "\(headerLengthField) \(headerLength) is not a length within the \(body.readableBytes)-byte body")
        }
        var rest = body
        let json = rest.readBytes(length: length) ?? []
        return (json, rest)
    }

    /// Takes the next `size` bytes of the binary part for `input`.
    static func take(_ size: Int64, for input: String, from binary: inout ByteBuffer) throws(InferdError) -> [UInt8] {
        guard size >= 0, size <= Int64(binary.readableBytes), let bytes = binary.readBytes(length: Int(size)) else {
            throw InferdError(.badRequest, "input \(input): binary_data_size \(size) is more than the \(binary.readableBytes) binary bytes left in the body")
        }
        return bytes
    }
}

import Foundation
