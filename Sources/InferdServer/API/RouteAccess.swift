/// Who may call a route. Enforced from peer credentials (`SO_PEERCRED`) once systemd integration
/// lands; every route declares its class now so that enforcement slots in without touching handlers.
public enum RouteAccess: Sendable, Equatable {
    /// Classification and read-only calls: anyone allowed on the socket.
    case open
    /// Load, unload, pin, trim, keep-alive, reload: root or the admin group.
    case admin
}
