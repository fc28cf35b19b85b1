import InferdRuntime
import InferdWire
import Testing

/// Reading an input's shape, layout and datatype from OIP metadata, and building its tensor from pixels.
@Suite struct TensorPreparationTests {
    func metadata(shape: [Int64], datatype: String = "UINT8", parameters: [String: OpenInference.Parameter]? = nil) -> OpenInference.ModelMetadata {
        OpenInference.ModelMetadata(name: "m", versions: ["1"], platform: "test",
                                    inputs: [TensorDescription(name: "image", datatype: datatype, shape: shape)],
                                    outputs: [TensorDescription(name: "probs", datatype: "FP32", shape: [1, 10])],
                                    networkInputs: nil, parameters: parameters)
    }

    /// A width x height image whose pixel (x, y) is (x, y, 100 + x + y).
    func gradient(width: Int, height: Int) -> PixelBuffer {
        let pixels = PixelBuffer(width: width, height: height)
        let p = pixels.bytes.assumingMemoryBound(to: UInt8.self)
        for y in 0..<height {
            for x in 0..<width {
                p[(y * width + x) * 3] = UInt8(x); p[(y * width + x) * 3 + 1] = UInt8(y); p[(y * width + x) * 3 + 2] = UInt8(100 + x + y)
            }
        }
        return pixels
    }

    func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    @Test func inferdsDynamicInputTakesTheDecodedPixelsAsTheyAre() throws {
        let spec = try TensorInputSpec(metadata: metadata(shape: [1, -1, -1, 3], parameters: [
            "layout": .string("NHWC"), "color": .string("RGB"), "network_width": .int(224), "network_height": .int(224)]))
        #expect(spec.size == .dynamic && spec.layout == .nhwc && spec.datatype == .uint8)
        #expect(spec.minimumDecodeSize?.width == 224 && spec.minimumDecodeSize?.height == 224)
        let pixels = gradient(width: 5, height: 3)
        let tensor = TensorPreparer.tensor(from: pixels, for: spec)
        #expect(tensor.name == "image" && tensor.datatype == "UINT8" && tensor.shape == [1, 3, 5, 3])
        #expect(tensor.bytes == Array(UnsafeBufferPointer(start: pixels.bytes.assumingMemoryBound(to: UInt8.self), count: pixels.byteCount)))
    }

    @Test func layoutComesFromTheShapeOrTheParameterWhenTheShapeCannotTell() throws {
        #expect(try TensorInputSpec(metadata: metadata(shape: [1, 224, 200, 3])).layout == .nhwc)
        #expect(try TensorInputSpec(metadata: metadata(shape: [1, 224, 200, 3])).size == .fixed(width: 200, height: 224))
        #expect(try TensorInputSpec(metadata: metadata(shape: [-1, 3, 224, 200])).layout == .nchw)
        #expect(try TensorInputSpec(metadata: metadata(shape: [1, 3, 224, 200])).size == .fixed(width: 200, height: 224))
        #expect(try TensorInputSpec(metadata: metadata(shape: [1, 3, 8, 3])).layout == .nhwc)
        #expect(try TensorInputSpec(metadata: metadata(shape: [1, 3, 8, 3], parameters: ["layout": .string("nchw")])).layout == .nchw)
    }

    @Test(arguments: [
        ([1, 224, 224, 4] as [Int64], "UINT8", TensorPreparationError.Code.unsupportedShape, "[1,224,224,4]"),
        ([224, 224, 3], "UINT8", .unsupportedShape, "[224,224,3]"),
        ([2, 224, 224, 3], "UINT8", .unsupportedShape, "[2,224,224,3]"),
        ([1, -1, 224, 3], "UINT8", .unsupportedShape, "[1,-1,224,3]"),
        ([1, 224, 224, 3], "INT64", .unsupportedDatatype, "INT64"),
        ([1, 224, 224, 3], "FP16", .unsupportedDatatype, "FP16"),
    ])
    func unsupportedMetadataSaysWhatItFound(shape: [Int64], datatype: String, code: TensorPreparationError.Code, found: String) {
        #expect {
            try TensorInputSpec(metadata: metadata(shape: shape, datatype: datatype))
        } throws: { error in
            guard let error = error as? TensorPreparationError else { return false }
            return error.code == code && error.message.contains(found) && error.message.contains("image")
        }
    }

    @Test func missingInputsAndUnknownParametersAreErrors() {
        var empty = metadata(shape: [1, 224, 224, 3])
        empty.inputs = []
        #expect(throws: TensorPreparationError.self) { try TensorInputSpec(metadata: empty) }
        #expect(throws: TensorPreparationError.self) {
            try TensorInputSpec(metadata: metadata(shape: [1, 224, 224, 3], parameters: ["color": .string("YUV")]))
        }
        #expect(throws: TensorPreparationError.self) {
            try TensorInputSpec(metadata: metadata(shape: [1, 224, 224, 3], parameters: ["layout": .string("NC")]))
        }
    }

    @Test func fixedNCHWFloatInputIsPlanarAndNormalised() throws {
        let spec = try TensorInputSpec(metadata: metadata(shape: [1, 3, 3, 5], datatype: "FP32"))
        let tensor = TensorPreparer.tensor(from: gradient(width: 5, height: 3), for: spec)
        #expect(tensor.datatype == "FP32" && tensor.shape == [1, 3, 3, 5])
        let values = floats(tensor.bytes)
        try #require(values.count == 45)
        // Default 0…1: pixel (4, 2) is (4, 2, 106); planes R, G, B of 15 values each.
        #expect(values[2 * 5 + 4] == Float(4) / 255)
        #expect(values[15 + 2 * 5 + 4] == Float(2) / 255)
        #expect(values[30 + 2 * 5 + 4] == Float(106) / 255)
        // Explicit ImageNet statistics.
        let imageNet = floats(TensorPreparer.tensor(from: gradient(width: 5, height: 3), for: spec, normalization: .imageNet).bytes)
        #expect(abs(imageNet[0] - (0 - 123.675) / 58.395) < 1e-5)
        // The metadata can name it.
        let named = try TensorInputSpec(metadata: metadata(shape: [1, 3, 3, 5], datatype: "FP32", parameters: ["normalize": .string("imagenet")]))
        #expect(named.normalization == .imageNet)
    }

    @Test func bgrSwapsChannelsAndFixedSizesAreResized() throws {
        let spec = try TensorInputSpec(metadata: metadata(shape: [1, 2, 4, 3], parameters: ["color": .string("BGR")]))
        let tensor = TensorPreparer.tensor(from: gradient(width: 8, height: 4), for: spec)
        #expect(tensor.shape == [1, 2, 4, 3] && tensor.bytes.count == 2 * 4 * 3)
        // Halving: output pixel (x, y) samples between source 2x and 2x+1 → R ≈ 2x + 0.5, stored last (BGR).
        for x in 0..<4 {
            #expect(abs(Int(tensor.bytes[x * 3 + 2]) - (2 * x + 1)) <= 1, "x \(x): \(tensor.bytes[x * 3 + 2])")
            #expect(Int(tensor.bytes[x * 3]) > Int(tensor.bytes[x * 3 + 2]), "blue first")
        }
    }

    @Test func bilinearKeepsAConstantImageConstantAndAnIdentitySizeExact() {
        let flat = PixelBuffer(width: 7, height: 5)
        flat.bytes.initializeMemory(as: UInt8.self, repeating: 77, count: flat.byteCount)
        let scaled = TensorPreparer.resizeBilinear(flat, width: 3, height: 11)
        #expect(scaled.channelMeans() == (77, 77, 77))
        let image = gradient(width: 6, height: 4)
        let same = TensorPreparer.resizeBilinear(image, width: 6, height: 4)
        #expect(same.channelMeans() == image.channelMeans())
        #expect(same[5, 3] == image[5, 3])
    }
}
