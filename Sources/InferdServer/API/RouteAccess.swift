/// Who may call a route. Enforced from peer credentials (`SO_PEERCRED`) by ``AdminAccess``.
public enum RouteAccess: Sendable, Equatable {
    /// Classification and read-only calls: anyone allowed on the socket.
    case open
    /// Load, unload, pin, unpin, keep-alive, trim, reload: root, the daemon's own user, or a member of
    /// the admin group.
    case admin
}
