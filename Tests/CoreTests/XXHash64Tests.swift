import InferdRuntime
import Testing

/// XXH64 against the reference implementation's published values, and its sensitivity to any byte.
@Suite struct XXHash64Tests {
    func hash(_ text: String) -> String {
        Array(text.utf8).withUnsafeBytes { XXHash64.hex($0) }
    }

    @Test func knownValues() {
        #expect(hash("") == "ef46db3751d8e999")
        #expect(hash("a") == "d24ec4f1a98c6e5b")
        #expect(hash("abc") == "44bc2cf5ad770999")
        #expect(hash("Nobody inspects the spammish repetition") == "fbcea83c8a378bf1")
    }

    @Test func everyByteCounts() {
        var bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let original = bytes.withUnsafeBytes { XXHash64.hex($0) }
        for position in [0, 7, 31, 32, 500, 967, 968, 995, 999] {
            bytes[position] ^= 0x01
            #expect(bytes.withUnsafeBytes { XXHash64.hex($0) } != original, "flip at \(position)")
            bytes[position] ^= 0x01
        }
        #expect(bytes.withUnsafeBytes { XXHash64.hex($0) } == original)
    }
}
