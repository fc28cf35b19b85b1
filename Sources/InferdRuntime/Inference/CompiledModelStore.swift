import Core
import Dispatch
import Foundation
import InferdWire
import Logging

/// Keeps exported compiled models (with their built-in preprocessing) in the cache directory, so a
/// later cold load of the same bundle imports the blob instead of reading the model file and compiling.
///
/// A blob is keyed by everything that shapes the compiled model — the model file's identity (path,
/// device, inode, size, modification and change times; the `.bin` too for IR), the manifest, the
/// engine options and the OpenVINO version — so a changed file or option simply misses.
///
/// A blob is never trusted: it is imported straight from its memory mapping only when it and its
/// sidecar are owned by this user (or root) and writable by no one else, its size and a sampled hash
/// match (cheap, before the importer sees it: OpenVINO's importer does not survive every corrupt
/// blob), and — checked on another core while the import runs, before the model serves — the
/// XXH64 of every byte matches. Any mismatch discards the blob (logged) and the model is rebuilt.
/// Blobs are written to a temporary name, flushed (`fsync`) and renamed; failures are logged.
public struct CompiledModelStore: Sendable {
    public let directory: String
    let logger: Logger

    public init(directory: String, logger: Logger = Logger(label: "inferd.cache")) {
        self.directory = directory
        self.logger = logger
    }

    /// What is stored beside the blob: the network's own input and output descriptions (which the
    /// imported model no longer knows: it only has the preprocessed input) and the blob's checksums.
    struct Sidecar: Codable {
        var inputs: [TensorDescription]
        var outputs: [TensorDescription]
        /// Blob size, bytes.
        var bytes: Int?
        /// XXH64 of 64 slices of 4 KiB spread over the blob (checked before import).
        var sampled: String?
        /// XXH64 of the whole blob (checked, in parallel with the import, before the model serves).
        var xxh64: String?
    }

    /// A blob that passed the cheap checks, being imported while its full hash is computed.
    struct Candidate {
        let blob: MappedFile
        let sidecar: Sidecar
        let path: String
        private let verdict: FullHash

        init(blob: MappedFile, sidecar: Sidecar, path: String) {
            self.blob = blob
            self.sidecar = sidecar
            self.path = path
            verdict = FullHash(blob)
        }

        /// Waits for the full hash; true when it matches the sidecar's.
        func verified() -> Bool { verdict.wait() == sidecar.xxh64 }
    }

    /// The key of `bundle` under `options`: a hash of everything that shapes the compiled model.
    func key(for bundle: ModelBundle, options: EngineOptions, openVINOVersion: String = Engine.version) -> String {
        Self.key(for: bundle, options: options, openVINOVersion: openVINOVersion)
    }

    /// ``key(for:options:openVINOVersion:)`` without a store (it does not depend on the directory).
    static func key(for bundle: ModelBundle, options: EngineOptions, openVINOVersion: String = Engine.version) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let manifest = (try? encoder.encode(bundle.manifest)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var engine = options
        engine.cacheDirectory = nil
        let engineKey = (try? encoder.encode(engine)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var files = [bundle.modelPath]
        if bundle.modelPath.hasSuffix(".xml") { files.append((bundle.modelPath as NSString).deletingPathExtension + ".bin") }
        let identity = files.map(Self.fileIdentity).joined(separator: ";")
        return XXHash64.hex(of: "\(identity)|\(manifest)|\(engineKey)|\(openVINOVersion)")
    }

    /// The blob path of the model named `model` under cache key `key`.
    func blobPath(key: String, model: String) -> String {
        (directory as NSString).appendingPathComponent("inferd-\(model)-\(key).blob")
    }

    /// `path|device|inode|size|mtime|ctime` (nanoseconds): any write, replace or `touch` changes it,
    /// and the change time cannot be set back by a user.
    static func fileIdentity(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path)|missing" }
        return "\(path)|\(info.st_dev)|\(info.st_ino)|\(info.st_size)|\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)|\(info.st_ctim.tv_sec).\(info.st_ctim.tv_nsec)"
    }

    /// Opens the blob at `path` when it passes the cheap checks (ownership, permissions, size, sampled
    /// hash), starting its full hash on another thread. A blob that fails them is discarded and logged;
    /// a missing blob is a quiet miss.
    func open(_ path: String) -> Candidate? {
        guard let blob = MappedFile(path: path) else { return nil }
        guard let json = MappedFile(path: path + ".json") else {
            discard(path, reason: "no readable sidecar")
            return nil
        }
        guard blob.writableOnlyByOwner, json.writableOnlyByOwner else {
            // Never import what another user could have written; never delete it either (not ours).
            logger.warning("compiled-model cache: refusing a blob another user can write", metadata: [
                "event": "cache-refused", "path": "\(path)", "owner": "\(blob.owner)", "mode": "\(String(blob.mode & 0o7777, radix: 8))",
            ])
            return nil
        }
        guard let sidecar = try? JSONDecoder().decode(Sidecar.self, from: Data(json.bytes)) else {
            discard(path, reason: "unreadable sidecar")
            return nil
        }
        guard sidecar.bytes == blob.bytes.count, sidecar.xxh64 != nil, sidecar.sampled == Self.sampledHash(blob.bytes) else {
            discard(path, reason: "size or sampled hash mismatch")
            return nil
        }
        return Candidate(blob: blob, sidecar: sidecar, path: path)
    }

    /// Deletes a blob (and its sidecar) that failed a check, saying why in the log.
    func discard(_ path: String, reason: String) {
        logger.warning("compiled-model cache: discarding a blob, the model is rebuilt", metadata: [
            "event": "cache-discard", "path": "\(path)", "reason": "\(reason)",
        ])
        unlink(path)
        unlink(path + ".json")
    }

    /// Exports `compiled` and its sidecar: temporary names, `fsync`, rename, `fsync` of the directory.
    /// Failures are logged and leave no file behind: the cache is an optimisation.
    func save(_ compiled: CompiledModel, sidecar: Sidecar, to path: String) {
        let temporary = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try compiled.export(to: temporary)
            guard chmod(temporary, 0o600) == 0, let written = MappedFile(path: temporary) else {
                throw CacheWriteError("cannot reopen the exported blob \(temporary)")
            }
            var sidecar = sidecar
            sidecar.bytes = written.bytes.count
            sidecar.sampled = Self.sampledHash(written.bytes)
            sidecar.xxh64 = XXHash64.hex(written.bytes)
            try Self.writeDurably(try JSONEncoder().encode(sidecar), to: temporary + ".json")
            try Self.flush(temporary)
            guard rename(temporary + ".json", path + ".json") == 0, rename(temporary, path) == 0 else {
                throw CacheWriteError("cannot rename into \(path): \(String(cString: strerror(errno)))")
            }
            try Self.flush(directory)
        } catch {
            unlink(temporary)
            unlink(temporary + ".json")
            logger.warning("compiled-model cache: cannot write a blob (the next cold load compiles again)", metadata: [
                "event": "cache-write-failed", "path": "\(path)", "error": "\(error)",
            ])
        }
    }

    /// XXH64 of 64 slices of 4 KiB spread evenly over `bytes` (all of it when smaller).
    static func sampledHash(_ bytes: UnsafeRawBufferPointer) -> String {
        let slice = 4096, slices = 64
        guard bytes.count > slice * slices else { return XXHash64.hex(bytes) }
        var sample = [UInt8]()
        sample.reserveCapacity(slice * slices)
        let step = (bytes.count - slice) / (slices - 1)
        for index in 0..<slices {
            sample.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(index * step)..<(index * step + slice)]))
        }
        return sample.withUnsafeBytes { XXHash64.hex($0) }
    }

    static func writeDurably(_ data: Data, to path: String) throws {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CacheWriteError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(descriptor) == 0 else { throw CacheWriteError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    private static func flush(_ path: String) throws {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CacheWriteError("cannot open \(path) to flush it") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CacheWriteError("cannot flush \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Writing a blob to the cache failed (logged; the load goes on).
struct CacheWriteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The XXH64 of a mapped blob, computed on a Dispatch worker (the other core while this one imports).
private final class FullHash: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: String?

    init(_ blob: MappedFile) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            value = XXHash64.hex(blob.bytes)
            done.signal()
        }
    }

    /// Blocks until the hash is known.
    func wait() -> String? {
        done.wait()
        done.signal()
        return value
    }
}

extension XXHash64 {
    /// The hash of a string's UTF-8 bytes, as hex.
    static func hex(of text: String) -> String {
        var text = text
        return text.withUTF8 { hex(UnsafeRawBufferPointer($0)) }
    }
}

extension CompiledModelStore {
    /// Where `precision auto`'s decision for `bundle` under `options` (precision `auto`) is kept: keyed
    /// like a blob, so a changed model file, manifest, option or OpenVINO version measures again.
    func choicePath(for bundle: ModelBundle, options: EngineOptions) -> String {
        (directory as NSString).appendingPathComponent("inferd-\(bundle.name)-\(key(for: bundle, options: options)).precision.json")
    }

    /// The decision recorded for `bundle`, if any (and only from a file no other user can write).
    func recordedChoice(for bundle: ModelBundle, options: EngineOptions) -> PrecisionChoice? {
        readRecord(PrecisionChoice.self, at: choicePath(for: bundle, options: options))
    }

    /// Records `choice` durably; failures are logged.
    func record(_ choice: PrecisionChoice, for bundle: ModelBundle, options: EngineOptions) {
        writeRecord(choice, to: choicePath(for: bundle, options: options), what: "the precision decision")
    }

    /// A small JSON record kept beside the blobs, decoded only from a file no other user can write.
    func readRecord<Record: Decodable>(_ type: Record.Type, at path: String) -> Record? {
        guard let file = MappedFile(path: path), file.writableOnlyByOwner else { return nil }
        return try? JSONDecoder().decode(Record.self, from: Data(file.bytes))
    }

    /// Writes a small JSON record beside the blobs durably (temporary name, `fsync`, rename); a failure
    /// is logged as not recording `what`.
    func writeRecord<Record: Encodable>(_ record: Record, to path: String, what: String) {
        let temporary = path + ".\(getpid()).tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try Self.writeDurably(try JSONEncoder().encode(record), to: temporary)
            guard rename(temporary, path) == 0 else { throw CacheWriteError("cannot rename into \(path)") }
        } catch {
            unlink(temporary)
            logger.warning("compiled-model cache: cannot record \(what)", metadata: [
                "event": "cache-write-failed", "path": "\(path)", "error": "\(error)",
            ])
        }
    }
}
