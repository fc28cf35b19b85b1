/// XXH64 (Yann Collet's xxHash, 64-bit, seed 0): a full-content checksum fast enough to run over a
/// 244 MB compiled-model blob on every cold load (several GB/s in a release build), so no byte of a
/// blob goes unchecked. Detects corruption, not tampering: it is no cryptographic hash.
public enum XXHash64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The hash of `bytes`, as 16 lower-case hex digits.
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        let value = hash(bytes)
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return finish(prime5, rest: bytes, from: 0, total: 0) }
        var offset = 0
        var accumulator: UInt64
        if count >= 32 {
            var v1 = prime1 &+ prime2, v2 = prime2, v3: UInt64 = 0, v4: UInt64 = 0 &- prime1
            let limit = count - 32
            while offset <= limit {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                v2 = round(v2, base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
                v3 = round(v3, base.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
                v4 = round(v4, base.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
                offset += 32
            }
            accumulator = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            accumulator = merge(accumulator, v1)
            accumulator = merge(accumulator, v2)
            accumulator = merge(accumulator, v3)
            accumulator = merge(accumulator, v4)
        } else {
            accumulator = prime5
        }
        return finish(accumulator, rest: bytes, from: offset, total: count)
    }

    private static func finish(_ start: UInt64, rest bytes: UnsafeRawBufferPointer, from startOffset: Int, total: Int) -> UInt64 {
        var hash = start &+ UInt64(total)
        var offset = startOffset
        if let base = bytes.baseAddress {
            while offset + 8 <= total {
                hash ^= round(0, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                hash = rotate(hash, 27) &* prime1 &+ prime4
                offset += 8
            }
            if offset + 4 <= total {
                hash ^= UInt64(base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) &* prime1
                hash = rotate(hash, 23) &* prime2 &+ prime3
                offset += 4
            }
            while offset < total {
                hash ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
                hash = rotate(hash, 11) &* prime1
                offset += 1
            }
        }
        hash ^= hash >> 33
        hash = hash &* prime2
        hash ^= hash >> 29
        hash = hash &* prime3
        hash ^= hash >> 32
        return hash
    }

    @inline(__always) private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    @inline(__always) private static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }

    @inline(__always) private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 {
        (value << bits) | (value >> (64 - bits))
    }
}
