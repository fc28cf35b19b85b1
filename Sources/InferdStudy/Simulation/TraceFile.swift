import Foundation

/// Reading a trace file whole, and its checksum (recorded in study outputs so a result names its trace).
public enum TraceFile {
    /// The file's bytes.
    public static func read(_ path: String) throws(TraceError) -> Data {
        guard let data = FileManager.default.contents(atPath: path) else { throw TraceError("cannot read trace \(path)") }
        return data
    }

    /// 64-bit FNV-1a of `data`, hex.
    public static func checksum(_ data: Data) -> String {
        let hash = data.withUnsafeBytes { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01B3
            }
            return hash
        }
        return String(hash, radix: 16)
    }
}
