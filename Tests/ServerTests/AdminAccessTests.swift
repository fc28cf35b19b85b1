import Foundation
@testable import InferdServer
import InferdWire
import Logging
import NIOCore
import Testing

@Suite struct AdminAccessTests {
    let logger = Logger(label: "test.access")

    func request(_ peer: PeerCredentials?) -> HTTPRequest {
        HTTPRequest(method: .POST, uri: "/v1/trim", headers: [:], body: ByteBuffer(), peer: peer)
    }

    @Test func rootAndTheDaemonsOwnUserAreAdmins() {
        let access = AdminAccess(groupName: "no-such-group-here", daemonUID: 1000, logger: logger)
        #expect(access.grant(PeerCredentials(pid: 10, uid: 0, gid: 0)) == "root")
        #expect(access.grant(PeerCredentials(pid: 10, uid: 1000, gid: 1000)) == "the daemon's own user")
        #expect(access.grant(PeerCredentials(pid: 10, uid: 65534, gid: 65534)) == nil)
    }

    @Test func membersOfTheAdminGroupAreAdmins() throws {
        // nobody's primary group is nogroup (65534) on Debian.
        let gid = try #require(AdminAccess.groupID("nogroup"))
        let access = AdminAccess(groupName: "nogroup", daemonUID: 0, logger: logger)
        #expect(access.grant(PeerCredentials(pid: 10, uid: 65534, gid: gid)) != nil)
        // A connection whose gid differs is still admitted through the user's group list.
        #expect(AdminAccess.groups(ofUID: 65534).contains(gid))
        #expect(access.grant(PeerCredentials(pid: 10, uid: 65534, gid: 12345)) != nil)
    }

    @Test func refusalsAre403AndOpenRoutesAreNeverChecked() throws {
        let access = AdminAccess(groupName: "inferd-admin-test-none", daemonUID: 0, logger: logger)
        let refusal = try #require(access.authorize(.admin, request(PeerCredentials(pid: 7, uid: 65534, gid: 65534))))
        #expect(refusal.httpStatus == 403 && refusal.message.contains("uid 65534"))
        #expect(access.authorize(.admin, request(nil))?.httpStatus == 403)
        #expect(access.authorize(.open, request(PeerCredentials(pid: 7, uid: 65534, gid: 65534))) == nil)
        #expect(access.authorize(.admin, request(PeerCredentials(pid: 7, uid: 0, gid: 0))) == nil)
    }

    @Test func theRouterAsksBeforeRunningAnAdminHandler() async {
        var router = Router(authorize: { access, _ in access == .admin ? InferdError(.forbidden, "no") : nil })
        router.add(.POST, "/v1/trim", access: .admin) { _ in HTTPResponse() }
        router.add(.GET, "/v1/status") { _ in HTTPResponse() }
        #expect(await router.respond(to: request(nil)).status.code == 403)
        let status = HTTPRequest(method: .GET, uri: "/v1/status", headers: [:], body: ByteBuffer())
        #expect(await router.respond(to: status).status.code == 200)
    }
}
