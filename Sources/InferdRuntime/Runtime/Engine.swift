import COpenVINO
import InferdWire

/// The OpenVINO runtime: reads model files and compiles them for a device.
///
/// One `Engine` serves the whole process. OpenVINO's `ov::Core` is thread-safe, so an engine may be
/// used from any thread; the handle is released when the engine is deinitialised.
public final class Engine: @unchecked Sendable {
    let handle: OpaquePointer
    /// The CPU's own defaults for the options inferd may leave unset (`auto` precision, all threads),
    /// read before anything changes them: ``importCompiledModel(_:options:)`` has to set device-wide
    /// properties, so every compile and import passes these explicitly and none inherits another's.
    private let cpuDefaults: [String: String]

    /// Creates the runtime. Fails when OpenVINO's plugins cannot be found next to its library.
    public init() throws(OpenVINOError) {
        var core: OpaquePointer?
        try ovCheck(ov_core_create(&core), "create OpenVINO core")
        handle = core!
        var defaults: [String: String] = [:]
        for key in ["INFERENCE_PRECISION_HINT", "INFERENCE_NUM_THREADS"] {
            var value: UnsafeMutablePointer<CChar>?
            if ov_core_get_property(handle, "CPU", key, &value) == OK, let value {
                defaults[key] = String(cString: value)
                ov_free(value)
            }
        }
        cpuDefaults = defaults
    }

    /// `options`' properties with the device defaults filled in for what they leave unset.
    func explicitProperties(_ options: EngineOptions) -> [(String, String)] {
        var properties = options.compileProperties
        guard options.device == "CPU" else { return properties }
        for (key, value) in cpuDefaults.sorted(by: { $0.key < $1.key }) where !properties.contains(where: { $0.0 == key }) {
            properties.append((key, value))
        }
        return properties
    }

    deinit { ov_core_free(handle) }

    /// OpenVINO's build number, for example `2026.4.1-22982-...`.
    public static var version: String {
        var version = ov_version_t()
        guard ov_get_openvino_version(&version) == OK else { return "unknown" }
        defer { ov_version_free(&version) }
        return version.buildNumber.map { String(cString: $0) } ?? "unknown"
    }

    /// Loads the device's plugin now and returns its full name (for example the CPU model).
    ///
    /// Call once at start-up: the plugin's code and thread pools then count in the daemon's base memory
    /// instead of in the first model's measured size.
    public func prepareDevice(_ device: String) throws(OpenVINOError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        try ovCheck(ov_core_get_property(handle, device, "FULL_DEVICE_NAME", &value), "load the \(device) plugin")
        defer { ov_free(value) }
        return value.map { String(cString: $0) } ?? device
    }

    /// Reads a model file (ONNX, OpenVINO IR, TFLite, PaddlePaddle or TensorFlow) from disk.
    ///
    /// - Throws: ``OpenVINOError`` with the frontend's reason when the file is missing, truncated or
    ///   not a model.
    public func readModel(at path: String) throws(OpenVINOError) -> ModelGraph {
        var model: OpaquePointer?
        try ovCheck(ov_core_read_model(handle, path, nil, &model), "read model \(path)")
        return ModelGraph(handle: model!)
    }

    /// Reads a model held in memory (ONNX, IR without external weights, TFLite).
    public func readModel(bytes: [UInt8]) throws(OpenVINOError) -> ModelGraph {
        var model: OpaquePointer?
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { ov_core_read_model_from_memory_buffer(handle, $0.baseAddress, $0.count, nil, &model) }
        }
        try ovCheck(status, "read model from memory (\(bytes.count) bytes)")
        return ModelGraph(handle: model!)
    }

    /// Imports a compiled model that ``CompiledModel/export(to:)`` wrote (no read, no compile).
    ///
    /// OpenVINO keeps pointing into the blob's memory (its weights are not copied), so the blob is
    /// copied into a buffer the returned model owns.
    ///
    /// - Throws: ``OpenVINOError`` when the blob is from another OpenVINO version or device, or corrupt
    ///   (callers should checksum blobs first: not every corrupt blob is detected).
    public func importCompiledModel(_ blob: [UInt8], options: EngineOptions) throws(OpenVINOError) -> CompiledModel {
        // The C API's import takes no properties: the device's defaults apply to the imported model, so
        // set them to these options first (otherwise a blob compiled at f32 runs at the CPU's bf16).
        let status = withPropertyArray(explicitProperties(options).filter { $0.0 != "CACHE_DIR" }) { array in
            ov_core_set_properties(handle, options.device, array.count, array.baseAddress)
        }
        try ovCheck(status, "set \(options.device) properties for import")
        let device = options.device
        let storage = BlobStorage(blob)
        var compiled: OpaquePointer?
        let imported = ov_core_import_model(handle, storage.bytes, storage.count, device, &compiled)
        try ovCheck(imported, "import compiled model (\(blob.count) bytes)")
        return CompiledModel(handle: compiled!, keepAlive: storage)
    }

    /// Compiles `model` for the device named in `options`, with its threads, precision and cache hints.
    ///
    /// Uses `ov_core_compile_model_props`: the variadic `ov_core_compile_model` cannot be called from Swift.
    public func compile(_ model: ModelGraph, options: EngineOptions) throws(OpenVINOError) -> CompiledModel {
        let properties = explicitProperties(options)
        var compiled: OpaquePointer?
        let status = withPropertyArray(properties) { array in
            ov_core_compile_model_props(handle, model.handle, options.device, array.count, array.baseAddress, &compiled)
        }
        try ovCheck(status, "compile model for \(options.device)")
        return CompiledModel(handle: compiled!)
    }
}

/// Calls `body` with a C array of `ov_property_t` whose strings stay alive for the call.
func withPropertyArray<R>(_ properties: [(String, String)], _ body: (UnsafeBufferPointer<ov_property_t>) -> R) -> R {
    let cStrings = properties.map { (strdup($0.0)!, strdup($0.1)!) }
    defer { for (key, value) in cStrings { free(key); free(value) } }
    let array = cStrings.map { ov_property_t(key: $0.0, value: UnsafeRawPointer($0.1)) }
    return array.withUnsafeBufferPointer(body)
}

#if canImport(Glibc)
import Glibc
#endif

/// A heap copy of a compiled-model blob that lives as long as the model imported from it.
final class BlobStorage {
    let bytes: UnsafeMutablePointer<CChar>
    let count: Int

    init(_ blob: [UInt8]) {
        count = blob.count
        bytes = .allocate(capacity: max(1, blob.count))
        blob.withUnsafeBytes { UnsafeMutableRawPointer(bytes).copyMemory(from: $0.baseAddress!, byteCount: blob.count) }
    }

    deinit { bytes.deallocate() }
}
