import InferdWire
import Foundation
import Testing

/// Inputs built to cost far more than their size: a 10000 x 10000 PNG (a few MB on the wire, 300 MB
/// of pixels) to every warm model must leave the daemon's memory where it was — PNGs are scaled down
/// row by row and no model sees more than twice its input, so OpenVINO keeps no gigabyte buffers — and
/// a JPEG with a hundred progressive scans is refused before it costs seconds of CPU.
@Suite(.serialized) struct CostlyImageTests {
    /// A `side` x `side` RGB PNG written with Python's zlib (a gradient that still compresses well), cached in /tmp.
    static func hugePNG(side: Int) async throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-huge-\(side).png").path
        if let data = FileManager.default.contents(atPath: path), data.count > 1000 { return [UInt8](data) }
        let script = """
            import struct, zlib, sys
            side = \(side)
            def chunk(kind, data):
                return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
            base = bytes((x * 7) & 255 for x in range(side * 3 + 256))
            z = zlib.compressobj(1)
            parts = []
            for y in range(side):
                parts.append(z.compress(b"\\x00" + base[y % 256: y % 256 + side * 3]))
            parts.append(z.flush())
            with open(sys.argv[1], "wb") as f:
                f.write(b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)))
                f.write(chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b""))
            """
        let run = try await Command.run(["python3", "-c", script, path])
        try #require(run.status == 0, "\(run.stderr)")
        return [UInt8](try #require(FileManager.default.contents(atPath: path)))
    }

    static func resident(_ daemon: DaemonProcess) async throws -> StatusResponse {
        try await RawHTTP.get(socket: daemon.socketPath, "/v1/status").json(StatusResponse.self)
    }

    @Test func hugePNGsToEveryWarmModelLeaveMemoryWhereItWas() async throws {
        try #require(Command.which("python3") != nil, "python3 writes the test PNG")
        let models = ["squeezenet", "nin", "alexnet"]
        // A debug build decoding 100 megapixels on a loaded CI machine can take more than the 30 s default.
        let daemon = try await DaemonProcess.start(arguments: ["--preload", models.joined(separator: ",")],
                                                   environment: ["INFERD_DECODE_TIMEOUT": "600"])
        let photo = try DaemonProcess.sampleBytes("chelsea.jpg")
        // Every model has run once at a normal size: its buffers are as large as ordinary use makes them.
        for model in models {
            #expect(try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/classify", body: photo).status == 200)
        }
        let before = try await Self.resident(daemon)
        let png = try await Self.hugePNG(side: 10_000)
        for model in models {
            for _ in 0..<2 {
                let answer = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/\(model)/classify", body: png)
                #expect(answer.status == 200, "\(model): \(answer.text)")
                let result = try answer.json(ClassifyResponse.self)
                #expect(result.image.width == 10_000 && result.image.height == 10_000)
                #expect((result.image.decodedWidth ?? .max) <= 1024, "decoded \(result.image.decodedWidth ?? -1) wide: scaled while decoding")
            }
        }
        let after = try await Self.resident(daemon)
        let grown = after.residentBytes - before.residentBytes
        print("costly-images: resident \(before.residentBytes >> 20) MiB -> \(after.residentBytes >> 20) MiB after \(2 * models.count) 10000x10000 PNGs; "
              + "models charged \(after.usedBytes >> 20) MiB, base \((after.baseResidentBytes ?? 0) >> 20) MiB, uncharged \((after.unchargedBytes ?? 0) >> 20) MiB")
        // Before the bounds each model kept 0.9-1.4 GB after one such image.
        #expect(grown < 300 << 20, "resident memory grew by \(grown >> 20) MiB")
        #expect(after.baseResidentBytes != nil && after.unchargedBytes != nil)
        #expect(try await daemon.stop() == 0)
    }

    /// A progressive JPEG header followed by 100 scans. The scans are copies (not a decodable image):
    /// the count is read from the markers and the file is refused before TurboJPEG sees it.
    static func hundredScanJPEG() throws -> [UInt8] {
        let photo = try DaemonProcess.sampleBytes("coffee.jpg")
        // Everything up to the first SOS (tables and a baseline SOF0, made progressive: SOF2).
        guard let sos = (2..<(photo.count - 1)).first(where: { photo[$0] == 0xFF && photo[$0 + 1] == 0xDA }),
              let sof = (2..<sos).first(where: { photo[$0] == 0xFF && photo[$0 + 1] == 0xC0 }) else {
            throw RawHTTP.Failure(description: "coffee.jpg has no SOF0/SOS")
        }
        var bytes = Array(photo[..<sos])
        bytes[sof + 1] = 0xC2
        let scan: [UInt8] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00] + [UInt8](repeating: 0x5A, count: 3000)
        for _ in 0..<100 { bytes += scan }
        return bytes + [0xFF, 0xD9]
    }

    @Test func aJPEGWithAHundredScansIsRefused() async throws {
        let jpeg = try Self.hundredScanJPEG()
        let daemon = try await DaemonProcess.start()
        let answer = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/squeezenet/classify", body: jpeg)
        #expect(answer.status == 413, "\(answer.text)")
        #expect(answer.text.contains("more than 64 progressive scans"), "\(answer.text)")
        #expect(try await daemon.stop() == 0)
    }
}
