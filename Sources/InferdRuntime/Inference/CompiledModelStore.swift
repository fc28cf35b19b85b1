import Core
import Foundation
import InferdWire

/// Keeps exported compiled models (with their built-in preprocessing) in the cache directory, so a
/// later cold load of the same bundle imports the blob instead of reading the model file and compiling.
///
/// OpenVINO's own `CACHE_DIR` only skips compilation: the ONNX file is still read and preprocessing
/// rebuilt. A blob is keyed by everything that shapes the compiled model — the model file's path, size
/// and modification time, the manifest, the engine options and the OpenVINO version — so a changed
/// file or option simply misses. A blob that fails to import is ignored and replaced.
struct CompiledModelStore {
    let directory: String

    /// What is stored beside the blob: the network's own input and output descriptions, which the
    /// imported model no longer knows (it only has the preprocessed input).
    struct Sidecar: Codable {
        var inputs: [TensorDescription]
        var outputs: [TensorDescription]
        /// Size and a sampled FNV-1a of the blob (64 slices of 4 KiB, spread over it): OpenVINO's importer
        /// does not survive every corrupt blob (seen here: a crash in the CPU plugin), so a truncated or
        /// overwritten blob is never imported. Sampling keeps the check cheap for a 244 MB AlexNet blob.
        var checksum: String?
        var bytes: Int?
    }

    /// The blob path for `bundle` under `options`.
    func blobPath(for bundle: ModelBundle, options: EngineOptions) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: bundle.modelPath)
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let manifest = (try? encoder.encode(bundle.manifest)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let engine = (try? encoder.encode(options)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let key = "\(bundle.modelPath)|\(bundle.fileBytes)|\(modified)|\(manifest)|\(engine)|\(Engine.version)"
        return (directory as NSString).appendingPathComponent("inferd-\(bundle.name)-\(Self.fnv1a(key)).blob")
    }

    func load(_ path: String) -> (blob: [UInt8], sidecar: Sidecar)? {
        guard let blob = FileManager.default.contents(atPath: path), !blob.isEmpty,
              let json = FileManager.default.contents(atPath: path + ".json"),
              let sidecar = try? JSONDecoder().decode(Sidecar.self, from: json),
              sidecar.bytes == blob.count, sidecar.checksum == Self.sampledChecksum(blob) else { return nil }
        return ([UInt8](blob), sidecar)
    }

    /// Exports `compiled` and its sidecar atomically (temporary names, then rename); failures are
    /// ignored: the cache is an optimisation.
    func save(_ compiled: CompiledModel, sidecar: Sidecar, to path: String) {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".\(getpid()).tmp"
        var sidecar = sidecar
        guard (try? compiled.export(to: temporary)) != nil, let blob = FileManager.default.contents(atPath: temporary) else {
            try? FileManager.default.removeItem(atPath: temporary)
            return
        }
        sidecar.checksum = Self.sampledChecksum(blob)
        sidecar.bytes = blob.count
        guard let json = try? JSONEncoder().encode(sidecar),
              FileManager.default.createFile(atPath: temporary + ".json", contents: json) else {
            try? FileManager.default.removeItem(atPath: temporary)
            return
        }
        _ = rename(temporary + ".json", path + ".json")
        _ = rename(temporary, path)
    }

    /// 64-bit FNV-1a, as hex: a stable file-name key and corruption check (not a security boundary).
    static func fnv1a(_ text: String) -> String { fnv1a(bytes: Data(text.utf8)) }

    /// FNV-1a over 64 slices of 4 KiB spread evenly over `data` (all of it when smaller).
    static func sampledChecksum(_ data: Data) -> String {
        let slice = 4096, slices = 64
        guard data.count > slice * slices else { return fnv1a(bytes: data) }
        var sample = Data(capacity: slice * slices)
        let step = (data.count - slice) / (slices - 1)
        for index in 0..<slices {
            let start = data.startIndex + index * step
            sample.append(data[start..<(start + slice)])
        }
        return fnv1a(bytes: sample)
    }

    static func fnv1a(bytes: Data) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
