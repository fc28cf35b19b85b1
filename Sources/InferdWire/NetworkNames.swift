/// Small facts about network names and header values that the daemon, its configuration and the
/// client all need, kept in one place so they cannot drift apart.
public enum NetworkNames {
    /// True for a host only this machine can reach: `localhost`, `::1`, or 127.0.0.0/8.
    public static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// True when `token` can travel in an `Authorization: Bearer` header as one word: not empty, no
    /// spaces and no control characters (which would also allow injecting header lines).
    public static func isHeaderSafeToken(_ token: String) -> Bool {
        !token.isEmpty && !token.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F }
    }
}
