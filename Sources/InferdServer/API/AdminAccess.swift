import InferdWire
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Decides whether a caller may use an admin route (``RouteAccess/admin``), from the peer
/// credentials of its connection: root, the daemon's own uid (a `systemctl --user` daemon belongs to
/// its user), or a member of the admin group — by the connection's gid or by the user's
/// supplementary groups (`getgrouplist`). Group membership is looked up on every admin call, so
/// adding someone to the group takes effect without a restart. Open routes are never checked.
///
/// Over TCP there are no peer credentials: an admin call needs `Authorization: Bearer <token>` with
/// the configured ``AdminToken``; without a configured token no admin call is possible over TCP.
///
/// Every admin call is logged with who made it (uid, pid, route; or the client address), allowed or
/// refused.
public struct AdminAccess: Sendable {
    /// The admin group's name (`admin_group`).
    public let groupName: String
    /// The daemon's effective uid.
    public let daemonUID: UInt32
    /// The token admin calls over TCP must present; nil: none are allowed there.
    public let token: AdminToken?
    let logger: Logger

    public init(groupName: String, daemonUID: UInt32 = geteuid(), token: AdminToken? = nil, logger: Logger) {
        self.groupName = groupName
        self.daemonUID = daemonUID
        self.token = token
        self.logger = logger
    }

    /// nil when `request` may run, else the 403 to answer.
    public func authorize(_ access: RouteAccess, _ request: HTTPRequest) -> InferdError? {
        guard access == .admin else { return nil }
        let route = "\(request.method) \(request.path)"
        if let client = request.clientAddress {
            return authorizeNetworked(route, client: client, authorization: request.headers.first(name: "authorization"))
        }
        guard let peer = request.peer else {
            logger.warning("refused \(route): no peer credentials on this connection",
                           metadata: ["event": "access-denied", "route": "\(route)"])
            return InferdError(.forbidden, "\(route) needs root or membership of group \(groupName), and this connection has no peer credentials (admin calls need the Unix socket)")
        }
        let metadata: Logger.Metadata = ["route": "\(route)", "uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)"]
        if let reason = grant(peer) {
            logger.info("admin call \(route) by uid \(peer.uid) (pid \(peer.pid), \(reason))",
                        metadata: metadata.merging(["event": "admin-call"]) { $1 })
            return nil
        }
        logger.warning("refused \(route) for uid \(peer.uid) (pid \(peer.pid)): not root, not in group \(groupName)",
                       metadata: metadata.merging(["event": "access-denied"]) { $1 })
        return InferdError(.forbidden, "\(route) needs root or membership of group \(groupName); uid \(peer.uid) is neither")
    }

    /// An admin call over TCP: allowed with the right bearer token only.
    private func authorizeNetworked(_ route: String, client: String, authorization: String?) -> InferdError? {
        let metadata: Logger.Metadata = ["route": "\(route)", "client": "\(client)"]
        guard let token else {
            logger.warning("refused \(route) from \(client): admin calls over TCP are off (no admin token configured)",
                           metadata: metadata.merging(["event": "access-denied"]) { $1 })
            return InferdError(.forbidden, "\(route) is an admin call; over TCP it needs the daemon to have an admin token (server.admin_token_file) and this request to send it as Authorization: Bearer; or use the Unix socket")
        }
        guard token.accepts(authorization: authorization) else {
            logger.warning("refused \(route) from \(client): \(authorization == nil ? "no" : "wrong") bearer token",
                           metadata: metadata.merging(["event": "access-denied"]) { $1 })
            return InferdError(.forbidden, "\(route) needs the admin token: send Authorization: Bearer <token> (\(authorization == nil ? "none was sent" : "the one sent is wrong"))")
        }
        logger.info("admin call \(route) from \(client) (bearer token)", metadata: metadata.merging(["event": "admin-call"]) { $1 })
        return nil
    }

    /// Why `peer` is an admin, or nil when it is not.
    func grant(_ peer: PeerCredentials) -> String? {
        if peer.uid == 0 { return "root" }
        if peer.uid == daemonUID { return "the daemon's own user" }
        guard let adminGID = Self.groupID(groupName) else { return nil }
        if peer.gid == adminGID { return "group \(groupName)" }
        if Self.groups(ofUID: peer.uid).contains(adminGID) { return "member of \(groupName)" }
        return nil
    }

    /// The gid of group `name`, nil when there is no such group.
    public static func groupID(_ name: String) -> gid_t? {
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }

    /// Every group of the user with `uid`: the primary group of its passwd entry and its
    /// supplementary groups; empty when the uid has no passwd entry.
    static func groups(ofUID uid: uid_t) -> [gid_t] {
        var passwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &passwd, &buffer, buffer.count, &result) == 0, result != nil, let name = passwd.pw_name else {
            return []
        }
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, passwd.pw_gid, &groups, &count) < 0 {
            groups = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(name, passwd.pw_gid, &groups, &count) >= 0 else { return [passwd.pw_gid] }
        }
        return Array(groups.prefix(Int(count)))
    }
}
