import Core
import Foundation

extension ModelLoader {
    /// Compiles and runs a tiny built-in network (conv 3x3, clip, pool, gemm; 1.4 KB of ONNX) with the
    /// same options and preprocessing path as real models.
    ///
    /// Call once at start-up: OpenVINO's one-time set-up (plugin, thread pools, JIT infrastructure,
    /// about 35 MB here) then counts in the daemon's base memory, not in the first real model's
    /// measured size, and no request pays it.
    public func warmUpEngine() throws -> Double {
        let watch = Stopwatch()
        let bytes = [UInt8](Data(base64Encoded: Self.warmUpModel)!)
        let graph = try engine.readModel(bytes: bytes)
        let manifest = ModelManifest(
            name: "warm-up", file: "", description: nil, input: .init(width: 16, height: 16, layout: "NCHW", color: "RGB"),
            normalize: .init(mean: [127.5, 127.5, 127.5], scale: [127.5, 127.5, 127.5]),
            resize: .init(mode: .squash, shortSide: nil), output: .logits, labels: nil, syntheticWeights: true, parameters: nil)
        let compiled = try engine.compile(try ImagePreprocessing.apply(to: graph, manifest: manifest), options: options)
        let request = try compiled.makeInferRequest()
        let pixels = PixelBuffer(width: 32, height: 24)
        pixels.bytes.initializeMemory(as: UInt8.self, repeating: 100, count: pixels.byteCount)
        try request.setInput(try Tensor.wrappingBytes(pixels.bytes, shape: [1, 24, 32, 3], owner: pixels))
        try request.infer()
        _ = try request.output(0).floats()
        return watch.elapsedMilliseconds
    }

    /// The warm-up network, generated once with the onnx package (seeded weights).
    static let warmUpModel = "CAgSBmluZmVyZDrJCgpSCgVpbnB1dAoBdwoBYhIBYyIEQ29udioVCgxrZXJuZWxfc2hhcGVAA0ADoAEHKhEKBHBhZHNAAUABQAFAAaABByoQCgdzdHJpZGVzQAJAAqABBwoUCgFjCgJsbwoCaGkSAXIiBENsaXAKGQoBchIBZyIRR2xvYmFsQXZlcmFnZVBvb2wKDwoBZxIBZiIHRmxhdHRlbgokCgFmCgJ3MhIGbG9naXRzIgRHZW1tKg0KBnRyYW5zQhgBoAECEgZ3YXJtdXAq8AYICAgDCAMIAxABQgF3SuAGFP9NPMxwWLyXKIM9TN4rPAFpW739GxQ9lIcFPlL2wT3+H5C9RJQBvhBLf72+aoc7SRVuvvA7s7yeKf+95veVvbHtXr16jgG9l5ooPbqB1T1Yl1K8Be0LPlw7iL2B+g893Ae5PZ4HGjzGRJi99cS8vQh8O71EYrQ8EsXOvUxbq7zob4K8xYddPUjZrzyIjxE9c+eFveZbVLzljqA9Z+0YPqbtAL6aBhs+UdEJPjgDoD1epNg8MZUAvSNNFT7/ukg+x3w4PqiqBj4NYhI9snb3vV2G6bkxcoY9n+0Dvo3XIT16EjA9r4yOPeKB8r1GhIe9jcMyvU+T7718HDI+AiBLvfe+Bj2Y0tO8yyUiPnk0Bz7rtYE9sKNhvhF9qjvZBIw9gJzNPUAYfb3vkjo+TjYHvh97h72Mf789/r2gO4ULTT5Xb5o8m62BvWemGr17d9+9ntUCvrgbgT2nC249FZAEPhOLmr3w9iw+km3rvCs4IT7jRDG9gqCWvcqfzDzZPdM9KOaDPCbVb71FVwm+A4QPvh7mTT13sco9E5eGvKkH3L2NzLI9whwDvk4Jkr1xXn49GmpmvspBHj12PW69OgszPAsP+Lt2kqU8miqOPWpQm70xghE+OrSUPeTLrD1skO49TkyhPQjerD2EtPc7BRoSvgVCXby7mJ29UrARvnu50zy74Gi9aefSvUyb1b0k49s8e+kSPW5rBz7hYba6aV7VPYiXDz7Ojes9BjVyvmqi+z29Gws9ppMtPQQOGD3/xhw9AtUCPcoCE706ukK+JnIyvLKapL2sN909uo7svBrECDzS/629piZRvYkql7o4Ghi+PVL2PO3JLbze1fK9PJR1vmolUj3lx/O8aRdZvTd1wbzUATo+FTCju8HqDTy5Rhi+AbAoPsvmuz0dgto9yTacOxy7uz2Y8Bc9iSl7PVpaebwX7Ra+mbXSPc4jRr5ejsS8eYunvOiT1b2fIns9LxykvPfwMr1b7VQ97zRDvUc7Dj689A89a0lCvb0XR7736QW+PJXePcTRpbuh7+e820QoPuFXA76s4m+9aZJBvewpcD1b5Ie9hkF7vQdeJL7qXpU96xilPbkfQ73fzoU88V0EvjJBQb0oGg0+mWFePMuUbD6SN6G9O69tPYsooLxNwmc9KikICBABQgFiSiAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACqNAQgECAgQAUICdzJKgAGeCj26491lvRuwsb0o+5w+vXH9u42BTr5a1YS9z9yKPa/NTL1ITws+ikrNPXSXebxua0G9g8jNvWhaj72Q2Ra+Dan2PUTjIj7ooAC+OALyvXoYNb64ZcW9YQufvlHw6b3czQQ+ZJYNvdMErz0fSEi91ko0PgozozzYdxy9Iq+CPioMEAFCAmxvSgQAAAAAKgwQAUICaGlKBAAAwEBaHwoFaW5wdXQSFgoUCAESEAoCCAEKAggDCgIIEAoCCBBiGAoGbG9naXRzEg4KDAgBEggKAggBCgIIBEIECgAQDQ=="
}
