import Foundation
import InferdTestKit
import Testing

/// The real daemon with stderr "connected to the journal" (`JOURNAL_STREAM` names its stderr file)
/// and a stub of journald's socket (`INFERD_JOURNAL_SOCKET`): lifecycle events arrive as structured
/// fields.
@Suite(.serialized) struct JournalOutputTests {
    @Test func lifecycleEventsArriveAsJournalFields() async throws {
        let journal = try DatagramSocketStub()
        let daemon = try await DaemonProcess.start(arguments: ["--preload", "squeezenet"],
                                                   environment: ["JOURNAL_STREAM": DaemonProcess.journalStreamOfStderr,
                                                                 "INFERD_JOURNAL_SOCKET": journal.path])
        func record(_ predicate: @escaping ([String: String]) -> Bool) async throws -> [String: String] {
            let message = try await journal.waitFor(timeout: 30) { JournalDatagram.dictionary($0.bytes).map(predicate) ?? false }
            return try #require(JournalDatagram.dictionary(message.bytes))
        }
        let load = try await record { $0["EVENT"] == "load" && $0["MODEL"] == "squeezenet" }
        #expect(load["MESSAGE"] == "loaded squeezenet" && load["PRIORITY"] == "6" && load["SYSLOG_IDENTIFIER"] == "inferd")
        #expect(Int(load["BYTES"] ?? "") ?? 0 > 0 && Double(load["DURATION_MS"] ?? "") != nil, "\(load)")
        #expect(load["LOGGER"] == "inferd.lifecycle")

        let unload = try await RawHTTP.post(socket: daemon.socketPath, "/v1/models/squeezenet/unload")
        #expect(unload.status == 200)
        let evict = try await record { $0["EVENT"] == "evict" }
        #expect(evict["MODEL"] == "squeezenet" && evict["REASON"] == "manual", "\(evict)")

        // Nothing went to stderr as plain lines: the journal got it all.
        #expect(!daemon.stderrLog.contains("loaded squeezenet"), "\(daemon.stderrLog)")
        #expect(try await daemon.stop() == 0)
    }
}
