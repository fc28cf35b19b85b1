import InferdWire

/// How ``EngineOptions`` (an API type, in InferdWire) reach OpenVINO.
extension EngineOptions {
    /// The options as OpenVINO property key/value strings, in a stable order. The keys are the values of
    /// `ov_property_key_*` in ov_property.h (C globals that Swift 6 cannot read without a data-race warning).
    var compileProperties: [(String, String)] {
        var properties: [(String, String)] = [
            ("PERFORMANCE_HINT", performanceHint.rawValue),
        ]
        if threads > 0 {
            properties.append(("INFERENCE_NUM_THREADS", String(threads)))
        }
        if precision != .auto {
            properties.append(("INFERENCE_PRECISION_HINT", precision.rawValue))
        }
        if let cacheDirectory {
            properties.append(("CACHE_DIR", cacheDirectory))
        }
        return properties
    }
}
