import COpenVINO
import Core

/// Builds image preprocessing into the model, so OpenVINO does it on its own threads and fused with
/// the first layers: the compiled model takes `u8` RGB pixels, `NHWC`, of any height and width, and
/// converts, resizes (bilinear), normalises and lays them out as the network expects.
public enum ImagePreprocessing {
    /// Returns a new graph whose input 0 is `[1, ?, ?, 3]` `u8` RGB.
    ///
    /// - Parameter manifest: supplies the network's layout, channel order and normalisation.
    /// - Throws: ``OpenVINOError`` when the model's input does not fit (for example not rank 4).
    public static func apply(to model: ModelGraph, manifest: ModelManifest) throws(OpenVINOError) -> ModelGraph {
        var ppp: OpaquePointer?
        try ovCheck(ov_preprocess_prepostprocessor_create(model.handle, &ppp), "create preprocessing")
        defer { ov_preprocess_prepostprocessor_free(ppp) }

        var inputInfo: OpaquePointer?
        try ovCheck(ov_preprocess_prepostprocessor_get_input_info_by_index(ppp, 0, &inputInfo), "preprocessing input 0")
        defer { ov_preprocess_input_info_free(inputInfo) }

        // What the caller will hand over: u8 NHWC pixels. A spatial size different from the network's
        // makes OpenVINO insert the resize; the input is made fully dynamic below.
        var tensorInfo: OpaquePointer?
        try ovCheck(ov_preprocess_input_info_get_tensor_info(inputInfo, &tensorInfo), "preprocessing tensor info")
        defer { ov_preprocess_input_tensor_info_free(tensorInfo) }
        try ovCheck(ov_preprocess_input_tensor_info_set_element_type(tensorInfo, U8), "set input element type u8")
        try withLayout("NHWC") { (layout) throws(OpenVINOError) in
            try ovCheck(ov_preprocess_input_tensor_info_set_layout(tensorInfo, layout), "set input layout NHWC")
        }
        try ovCheck(ov_preprocess_input_tensor_info_set_spatial_static_shape(
            tensorInfo, manifest.input.height * 2, manifest.input.width * 2), "set placeholder input size")

        // What the network expects.
        var modelInfo: OpaquePointer?
        try ovCheck(ov_preprocess_input_info_get_model_info(inputInfo, &modelInfo), "preprocessing model info")
        defer { ov_preprocess_input_model_info_free(modelInfo) }
        try withLayout(manifest.input.layout) { (layout) throws(OpenVINOError) in
            try ovCheck(ov_preprocess_input_model_info_set_layout(modelInfo, layout), "set model layout \(manifest.input.layout)")
        }

        var steps: OpaquePointer?
        try ovCheck(ov_preprocess_input_info_get_preprocess_steps(inputInfo, &steps), "preprocessing steps")
        defer { ov_preprocess_preprocess_steps_free(steps) }
        try ovCheck(ov_preprocess_preprocess_steps_convert_element_type(steps, F32), "convert to f32")
        try ovCheck(ov_preprocess_preprocess_steps_resize(steps, RESIZE_LINEAR), "resize")
        if manifest.input.color == "BGR" {
            try ovCheck(ov_preprocess_preprocess_steps_reverse_channels(steps), "RGB to BGR")
        }
        var mean = manifest.normalize.mean
        var scale = manifest.normalize.scale
        // mean and scale are in the network's channel order: pixels were reversed above when it is BGR.
        try ovCheck(ov_preprocess_preprocess_steps_mean_multi_channels(steps, &mean, Int32(mean.count)), "subtract mean")
        try ovCheck(ov_preprocess_preprocess_steps_scale_multi_channels(steps, &scale, Int32(scale.count)), "divide by scale")

        var built: OpaquePointer?
        try ovCheck(ov_preprocess_prepostprocessor_build(ppp, &built), "build preprocessing")
        let result = ModelGraph(handle: built!)
        try result.reshapeInput([
            ov_dimension_t(min: 1, max: 1), ov_dimension_t(min: -1, max: -1),
            ov_dimension_t(min: -1, max: -1), ov_dimension_t(min: 3, max: 3),
        ])
        return result
    }

    private static func withLayout(_ description: String, _ body: (OpaquePointer?) throws(OpenVINOError) -> Void) throws(OpenVINOError) {
        var layout: OpaquePointer?
        try ovCheck(ov_layout_create(description, &layout), "create layout \(description)")
        defer { ov_layout_free(layout) }
        try body(layout)
    }
}
