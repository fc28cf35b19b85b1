import InferdRuntime
import InferdStudy
import InferdWire
import Foundation
@testable import InferdServer
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// libFuzzer's entry point: one binary, five targets, chosen by `INFERD_FUZZ_TARGET` (image, http, oip,
/// toml, trace). Built only by `make fuzz` (`INFERD_FUZZ=1`, `-sanitize=fuzzer,address`); see docs/SECURITY.md.
///
/// Each target feeds the bytes to the code that reads untrusted input and only requires that it
/// returns or throws its typed error: a crash, a sanitizer report, a leak or a timeout is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count)
    switch FuzzTarget.current {
    case .image: FuzzTarget.image(bytes)
    case .http: FuzzTarget.http(bytes)
    case .oip: FuzzTarget.oip(bytes)
    case .toml: FuzzTarget.toml(bytes)
    case .trace: FuzzTarget.trace(bytes)
    }
    return 0
}

/// libFuzzer's driver (in the runtime `-sanitize=fuzzer` links).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The executable's entry: SwiftPM points `main` at `<module>_main` for executable targets, so the
/// harness hands its arguments to libFuzzer's driver itself.
@_cdecl("inferd_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}

enum FuzzTarget: String, CaseIterable {
    case image, http, oip, toml, trace

    static let current: FuzzTarget = {
        guard let name = ProcessInfo.processInfo.environment["INFERD_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name) else {
            fatalError("set INFERD_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))")
        }
        return target
    }()

    /// The JPEG/PNG header and decode path as the daemon runs it (DCT or row-by-row scaling to a 224
    /// model's minimum), with a pixel limit that keeps the fuzzer's memory small, then the bound the
    /// model input gets.
    static func image(_ bytes: UnsafeRawBufferPointer) {
        let options = DecodeOptions(minimumSize: (224, 224), maxPixels: 16_000_000, maxWorkingBytes: 64 << 20)
        _ = try? ImageDecoder.cost(of: bytes, options: options)
        _ = try? ImageHeader.read(Array(bytes), options: options)
        if let decoded = try? ImageDecoder.decode(bytes, options: options) {
            _ = decoded.pixels.downscaled(toFit: 448, 448)
        }
        _ = try? ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: 1_000_000, maxWorkingBytes: 16 << 20))
    }

    /// The request head and body handling: NIO's parser with the daemon's error handler, then the
    /// request as the routes see it (path, percent-decoded query).
    static func http(_ bytes: UnsafeRawBufferPointer) {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
            try channel.pipeline.syncOperations.addHandler(ProtocolErrorHandler())
            try channel.writeInbound(ByteBuffer(bytes: bytes))
        } catch {}
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            if case .head(let head) = part {
                let request = HTTPRequest(method: head.method, uri: head.uri, headers: head.headers, body: ByteBuffer())
                _ = request.path.count + request.query.count
            }
        }
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
    }

    /// An Open Inference Protocol `/infer` body: the JSON, the binary-data extension's split and the
    /// tensor bytes. The first byte chooses whether an `Inference-Header-Content-Length` is given.
    static func oip(_ bytes: UnsafeRawBufferPointer) {
        guard let first = bytes.first else { return }
        let rest = UnsafeRawBufferPointer(rebasing: bytes.dropFirst())
        let headerLength: String? = first & 1 == 0 ? nil : String(Int(first >> 1) * 4)
        if let parsed = try? OpenInferenceHandlers.parse(ByteBuffer(bytes: rest), headerLength: headerLength, model: "fuzz") {
            let tensor = ImageTensor(name: parsed.1.name, shape: parsed.1.shape, datatype: parsed.1.datatype, bytes: parsed.2)
            _ = try? tensor.validate(maxPixels: 1_000_000)
        }
    }

    /// The TOML configuration file, parsed and applied as the daemon does at start.
    static func toml(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? DaemonConfiguration.resolve(file: (path: "fuzz.toml", text: text), environment: [:], flags: [:])
    }

    /// Trace files for `inferctl replay`/`simulate`: CSV and JSON lines, and the Azure Functions CSV.
    static func trace(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? Trace.parse(text, jsonLines: false)
        _ = try? Trace.parse(text, jsonLines: true)
        _ = try? AzureFunctionsTrace.importCSV(text, models: ["a", "b"], maxFunctions: 5, minutes: 1...3)
    }
}
