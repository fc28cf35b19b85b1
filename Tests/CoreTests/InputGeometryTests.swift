import Core
import InferdRuntime
import Testing

/// The smallest useful decode size and the centre crop, checked against hand-worked numbers.
@Suite struct InputGeometryTests {
    static func manifest(width: Int = 224, height: Int = 224, mode: ModelManifest.Resize.Mode, shortSide: Int? = nil) -> ModelManifest {
        ModelManifest(name: "geometry", file: "model.onnx", description: nil,
                      input: .init(width: width, height: height, layout: "NCHW", color: "RGB"),
                      normalize: .init(mean: [0, 0, 0], scale: [1, 1, 1]),
                      resize: .init(mode: mode, shortSide: shortSide), output: .logits, labels: nil,
                      syntheticWeights: false, parameters: nil)
    }

    @Test func minimumDecodeSizes() throws {
        #expect(InputGeometry(manifest: try Fixtures.bundle("efficientnet-lite0").manifest).minimumDecodeSize == (256, 256))
        #expect(InputGeometry(manifest: try Fixtures.bundle("squeezenet").manifest).minimumDecodeSize == (227, 227))
        #expect(InputGeometry(manifest: try Fixtures.bundle("alexnet").manifest).minimumDecodeSize == (227, 227))
        #expect(InputGeometry(manifest: Self.manifest(width: 320, height: 240, mode: .squash)).minimumDecodeSize == (320, 240))
        // Crop mode without short_side: the input's short side.
        #expect(InputGeometry(manifest: Self.manifest(width: 320, height: 240, mode: .crop)).minimumDecodeSize == (240, 240))
    }

    /// (decoded width, height) -> crop (x, y, width, height) for a 224 input after a 256 short side.
    /// The crop is input * (short side of the image / 256), rounded, centred with the remainder floored.
    @Test(arguments: [
        // 270/256 = 1.0546875; 224 * that = 236.25 -> 236; x = (480-236)/2 = 122, y = (270-236)/2 = 17.
        (480, 270, 122, 17, 236, 236),
        // Portrait: the same, transposed.
        (270, 480, 17, 122, 236, 236),
        // 400/256 = 1.5625; 224 * that = 350; x = (600-350)/2 = 125, y = 25.
        (600, 400, 125, 25, 350, 350),
        // Already 256 short side: the classic 224 centre crop, x = (341-224)/2 = 58, y = 16.
        (341, 256, 58, 16, 224, 224),
        // Tiny image: 5/256 * 224 = 4.375 -> 4; x = 3, y = 0.
        (10, 5, 3, 0, 4, 4),
        // 1x1 never crops to nothing.
        (1, 1, 0, 0, 1, 1),
    ])
    func cropRegionForEfficientNet(width: Int, height: Int, x: Int, y: Int, cropWidth: Int, cropHeight: Int) {
        let geometry = InputGeometry(manifest: Self.manifest(mode: .crop, shortSide: 256))
        let region = geometry.cropRegion(width: width, height: height)
        #expect(region == (x, y, cropWidth, cropHeight), "\(width)x\(height): \(region)")
    }

    /// A non-square input: 320x240 after a 256 short side on a 1000x500 image: factor 500/256 = 1.953125,
    /// 320 * that = 625, 240 * that = 468.75 -> 469; x = (1000-625)/2 = 187, y = (500-469)/2 = 15.
    @Test func cropRegionForANonSquareInput() {
        let geometry = InputGeometry(manifest: Self.manifest(width: 320, height: 240, mode: .crop, shortSide: 256))
        #expect(geometry.cropRegion(width: 1000, height: 500) == (187, 15, 625, 469))
    }

    @Test func squashUsesTheWholeImage() {
        let geometry = InputGeometry(manifest: Self.manifest(width: 227, height: 227, mode: .squash))
        #expect(geometry.cropRegion(width: 480, height: 270) == (0, 0, 480, 270))
        #expect(geometry.cropRegion(width: 7, height: 3000) == (0, 0, 7, 3000))
    }
}
