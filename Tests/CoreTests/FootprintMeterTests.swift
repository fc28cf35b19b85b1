import Foundation
@testable import InferdRuntime
import InferdWire
import Synchronization
import Testing

/// The footprint meter's mechanism with stand-in measuring processes (shell scripts), no OpenVINO:
/// the real measuring process is exercised by the daemon tests.
@Suite struct FootprintMeterTests {
    /// A folder with a measuring "process" that runs `body` (a shell script), and a cache directory.
    struct Stage {
        let root: String
        var executable: String { root + "/measure" }
        var cache: String { root + "/cache" }

        init(_ body: String) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("footprint-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: root + "/cache", withIntermediateDirectories: true)
            try Self.writeExecutable(root + "/measure", "#!/bin/sh\n\(body)\n")
        }

        /// Writes a script through a close-on-exec descriptor. Other tests start processes meanwhile, and a
        /// child that inherits a descriptor open for writing makes exec of the script fail with "Text file
        /// busy" for as long as it lives (Foundation's `write(toFile:)` descriptor is inheritable).
        static func writeExecutable(_ path: String, _ text: String) throws {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(fd) }
            let bytes = Array(text.utf8)
            guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Runs one measurement of a fake bundle and waits (up to 120 s: a loaded machine can start the
    /// meter's queue late) for the listener or the queue to finish.
    static func measure(_ meter: FootprintMeter, store: CompiledModelStore?) async throws -> Int64? {
        let heard = Mutex<Int64?>(nil)
        meter.onMeasured { _, bytes in heard.withLock { $0 = bytes } }
        let bundle = fakeCatalog(["m": 1000]).bundles["m"]!
        meter.measure(bundle, options: EngineOptions(precision: .f32), key: "k", store: store, expectedBytes: 1000)
        for _ in 0..<1200 {
            if let bytes = heard.withLock({ $0 }) { return bytes }
            if meter.isIdle { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test func aMeasurementIsHeardRecordedAndNotRepeated() async throws {
        let stage = try Stage(#"echo '{"bytes": 4242, "loadMilliseconds": 7}'"#)
        defer { stage.remove() }
        let store = CompiledModelStore(directory: stage.cache)
        let meter = FootprintMeter(executable: stage.executable, headroom: { nil })
        #expect(try await Self.measure(meter, store: store) == 4242)
        #expect(meter.known(key: "k", model: "m", store: nil) == 4242)
        // Another meter (another daemon) on the same cache finds the record.
        #expect(FootprintMeter(executable: "/nonexistent", headroom: { nil }).known(key: "k", model: "m", store: store) == 4242)
        #expect(store.recordedFootprint(for: "k", model: "m")?.bytes == 4242)
    }

    @Test func failuresAreLoggedNotCharged() async throws {
        for body in ["echo 'the model is corrupt' >&2; exit 3", "echo 'not json'", "echo '{\"bytes\": 0, \"loadMilliseconds\": 1}'"] {
            let stage = try Stage(body)
            defer { stage.remove() }
            let meter = FootprintMeter(executable: stage.executable, headroom: { nil })
            #expect(try await Self.measure(meter, store: CompiledModelStore(directory: stage.cache)) == nil, "\(body)")
            #expect(meter.known(key: "k", model: "m", store: CompiledModelStore(directory: stage.cache)) == nil)
        }
    }

    @Test func aHungMeasurementIsKilledAtItsTimeout() async throws {
        let stage = try Stage("exec sleep 300")
        defer { stage.remove() }
        let meter = FootprintMeter(executable: stage.executable, timeout: .seconds(1), headroom: { nil })
        let started = ContinuousClock.now
        #expect(try await Self.measure(meter, store: nil) == nil)
        // Killed, the queue is idle well before the 300 s the process would take (or the 120 s the
        // helper waits); the margin is for a loaded machine.
        #expect(meter.isIdle)
        #expect(ContinuousClock.now - started < .seconds(100))
    }

    @Test func tooLittleMemoryDefersTheMeasurement() async throws {
        let stage = try Stage(#"touch "$(dirname "$0")/ran"; echo '{"bytes": 1, "loadMilliseconds": 1}'"#)
        defer { stage.remove() }
        // 1000 bytes expected: twice that is needed, 1999 is free.
        let meter = FootprintMeter(executable: stage.executable, headroom: { 1999 })
        #expect(try await Self.measure(meter, store: nil) == nil)
        #expect(!FileManager.default.fileExists(atPath: stage.root + "/ran"), "the measuring process must not start")
    }
}
