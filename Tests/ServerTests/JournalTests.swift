import Foundation
import InferdServer
import InferdTestKit
import Logging
import Testing

@Suite struct JournalFieldsTests {
    @Test func metadataKeysBecomeUpperCasedFieldNames() {
        #expect(JournalFields.fieldName("model") == "MODEL")
        #expect(JournalFields.fieldName("duration_ms") == "DURATION_MS")
        #expect(JournalFields.fieldName("bytes-freed") == "BYTES_FREED")
        #expect(JournalFields.fieldName("_trusted") == "TRUSTED")          // leading "_" is journald's
        #expect(JournalFields.fieldName("3d") == "F_3D")                    // no leading digit
        #expect(JournalFields.fieldName("__") == nil)
        #expect(JournalFields.fieldName(String(repeating: "a", count: 100))?.count == 64)
    }

    @Test func prioritiesFollowSyslog() {
        #expect(Logger.Level.allCases.map(JournalFields.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func fixedFieldsComeFirstThenMetadataSortedAndNeverOverridden() {
        let fields = JournalFields.fields(
            level: .notice, message: "evicted alexnet",
            metadata: ["model": "alexnet", "event": "evict", "reason": "budget", "bytes": "244000000",
                       "duration_ms": "12.5", "message": "not the message"],
            label: "inferd.lifecycle", identifier: "inferd", file: "Core/ModelManager.swift", function: "evict(_:)", line: 481)
        #expect(fields.map(\.description) == [
            "MESSAGE=evicted alexnet", "PRIORITY=5", "SYSLOG_IDENTIFIER=inferd", "LOGGER=inferd.lifecycle",
            "CODE_FILE=Core/ModelManager.swift", "CODE_LINE=481", "CODE_FUNC=evict(_:)",
            "BYTES=244000000", "DURATION_MS=12.5", "EVENT=evict", "META_MESSAGE=not the message", "MODEL=alexnet", "REASON=budget",
        ])
    }

    @Test func theNativeProtocolIsBinarySafeForNewlines() throws {
        let bytes = JournalSocketWriter.encode([JournalFields.Field("MESSAGE", "two\nlines"), JournalFields.Field("MODEL", "nin")])
        var expected = Array("MESSAGE\n".utf8) + [9, 0, 0, 0, 0, 0, 0, 0] + Array("two\nlines\n".utf8)
        expected += Array("MODEL=nin\n".utf8)
        #expect(bytes == expected)
        let parsed = try #require(JournalDatagram.parse(bytes))
        #expect(parsed.map(\.name) == ["MESSAGE", "MODEL"] && parsed.map(\.value) == ["two\nlines", "nin"])
    }
}

@Suite struct JournalLogHandlerTests {
    /// The whole handler, against a stub of journald's socket: what arrives is one datagram per
    /// record with the fields journald would index.
    @Test func theHandlerSendsStructuredRecordsToTheJournalSocket() async throws {
        let journal = try DatagramSocketStub()
        var handler = JournalLogHandler(label: "inferd.lifecycle", socketPath: journal.path)
        handler.logLevel = .debug
        handler[metadataKey: "daemon"] = "test"
        let logger = Logger(label: "inferd.lifecycle", factory: { _ in handler })
        logger.info("loaded squeezenet", metadata: ["event": "load", "model": "squeezenet", "bytes": "64573440", "duration_ms": "295.9"])
        logger.error("load of nin failed:\nline two", metadata: ["event": "load-failed", "model": "nin"])
        logger.trace("below the level: never sent")

        let loaded = try await journal.waitFor(timeout: 60) { $0.text.contains("MESSAGE=loaded") }
        let fields = try #require(JournalDatagram.dictionary(loaded.bytes))
        #expect(fields["MESSAGE"] == "loaded squeezenet")
        #expect(fields["PRIORITY"] == "6")
        #expect(fields["SYSLOG_IDENTIFIER"] == "inferd" && fields["LOGGER"] == "inferd.lifecycle")
        #expect(fields["EVENT"] == "load" && fields["MODEL"] == "squeezenet")
        #expect(fields["BYTES"] == "64573440" && fields["DURATION_MS"] == "295.9")
        #expect(fields["DAEMON"] == "test")
        #expect(fields["CODE_FILE"]?.hasSuffix("JournalTests.swift") == true)

        let failed = try await journal.waitFor(timeout: 60) { JournalDatagram.dictionary($0.bytes)?["EVENT"] == "load-failed" }
        let failure = try #require(JournalDatagram.dictionary(failed.bytes))
        #expect(failure["MESSAGE"] == "load of nin failed:\nline two")
        #expect(failure["PRIORITY"] == "3")
        try await Task.sleep(for: .milliseconds(200))
        #expect(journal.messages.count == 2, "the trace record went out below the level")
    }

    @Test func outputIsTheJournalOnlyWhenJournalStreamNamesStderr() {
        let identity: (device: UInt64, inode: UInt64) = (64769, 1234)
        #expect(LogOutput.detect(environment: [:], stderrIdentity: identity) == .stderr)
        #expect(LogOutput.detect(environment: ["JOURNAL_STREAM": "64769:999"], stderrIdentity: identity) == .stderr)
        #expect(LogOutput.detect(environment: ["JOURNAL_STREAM": "64769:1234"], stderrIdentity: identity)
                == .journal(socketPath: "/run/systemd/journal/socket"))
        #expect(LogOutput.detect(environment: ["JOURNAL_STREAM": "64769:1234", "INFERD_JOURNAL_SOCKET": "/tmp/j"], stderrIdentity: identity)
                == .journal(socketPath: "/tmp/j"))
    }
}
