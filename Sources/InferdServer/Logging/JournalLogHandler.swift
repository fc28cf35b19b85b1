import CSystemd
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that writes structured journal entries: `MESSAGE=`, `PRIORITY=`, and the
/// logger metadata as upper-cased fields (see ``JournalFields``).
///
/// To journald's own socket it sends through libsystemd's `sd_journal_sendv(3)`; to any other path
/// (a test's stub) through ``JournalSocketWriter``. When sending fails the record is printed on
/// stderr as a plain line, so nothing is lost silently.
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let identifier: String
    let writer: JournalSocketWriter?

    /// - Parameters:
    ///   - identifier: `SYSLOG_IDENTIFIER=` (default `inferd`).
    ///   - socketPath: journald's socket (libsystemd is used) or another path (the native protocol
    ///     is written by ``JournalSocketWriter``).
    public init(label: String, identifier: String = "inferd", socketPath: String = JournalSocketWriter.defaultPath,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.identifier = identifier
        self.metadataProvider = metadataProvider
        writer = socketPath == JournalSocketWriter.defaultPath ? nil : Self.writer(for: socketPath)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        let fields = JournalFields.fields(level: event.level, message: event.message.description, metadata: merged,
                                          label: label, identifier: identifier, file: event.file,
                                          function: event.function, line: event.line, error: event.error)
        let status = writer.map { $0.send(fields) } ?? Self.sendThroughLibsystemd(fields)
        if status != 0 {
            let line = "\(identifier)[\(label)] \(event.level): \(event.message) (journal: \(String(cString: strerror(status))))\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
        }
    }

    /// `sd_journal_sendv` with one iovec per `NAME=value` (libsystemd switches to the binary-safe
    /// form for values with newlines itself). Returns 0 or the errno.
    static func sendThroughLibsystemd(_ fields: [JournalFields.Field]) -> Int32 {
        var storage: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = storage.count
            storage += field.name.utf8
            storage.append(UInt8(ascii: "="))
            storage += field.value.utf8
            ranges.append(start..<storage.count)
        }
        return storage.withUnsafeMutableBytes { buffer -> Int32 in
            var vectors = ranges.map { iovec(iov_base: buffer.baseAddress! + $0.lowerBound, iov_len: $0.count) }
            let result = sd_journal_sendv(&vectors, Int32(vectors.count))
            return result < 0 ? -result : 0
        }
    }

    /// One writer (one socket) per path, shared by every logger.
    private static func writer(for path: String) -> JournalSocketWriter {
        writers.withLock { writers in
            if let writer = writers[path] { return writer }
            let writer = JournalSocketWriter(path: path)
            writers[path] = writer
            return writer
        }
    }

    private static let writers = Mutex<[String: JournalSocketWriter]>([:])
}
