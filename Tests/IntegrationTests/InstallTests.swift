import Foundation
import Testing

/// `make install` into a DESTDIR (with the test build's binaries, BUILD_DIR, so the suite needs no
/// release build), the units checked by systemd-analyze, the installed daemon run on the installed
/// libraries only, the installed inferctl's bench and replay from another folder, and `make uninstall`
/// leaving nothing behind.
@Suite(.serialized) struct InstallTests {
    @Test func installRunVerifyAndUninstall() async throws {
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-install-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: stage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: stage) }
        let destdir = stage + "/root"
        let buildDirectory = URL(fileURLWithPath: try DaemonProcess.binaryPath).deletingLastPathComponent().path
        let make = ["make", "--no-print-directory", "DESTDIR=\(destdir)", "BUILD_DIR=\(buildDirectory)"]

        let install = try await Command.run(make + ["install"])
        try #require(install.status == 0, "make install: \(install.stderr)\n\(install.stdout)")
        #expect(install.stdout.contains("systemctl enable --now inferd.socket"), "\(install.stdout)")
        let prefix = destdir + "/usr/local"
        for file in ["bin/inferd", "bin/inferctl", "lib/inferd/libopenvino_intel_cpu_plugin.so", "lib/systemd/system/inferd.service",
                     "lib/systemd/system/inferd.socket", "lib/systemd/user/inferd.service", "lib/systemd/user/inferd.socket",
                     "lib/sysusers.d/inferd.conf", "lib/tmpfiles.d/inferd.conf", "share/inferd/install-manifest",
                     "share/man/man1/inferd.1.gz", "share/man/man1/inferctl.1.gz", "share/man/man1/inferctl-classify.1.gz",
                     "share/bash-completion/completions/inferctl", "share/zsh/site-functions/_inferctl",
                     "share/fish/vendor_completions.d/inferctl.fish", "share/bash-completion/completions/inferd",
                     "share/inferd/samples/coffee.jpg", "share/inferd/samples/groups/1080x1920/coffee.jpg",
                     "share/doc/inferd/examples/inferd-tcp.socket", "share/doc/inferd/examples/network.conf"] {
            #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file) not installed")
        }
        #expect(FileManager.default.fileExists(atPath: destdir + "/etc/inferd/inferd.toml"))
        // man reads the installed page, and the page is the binary's own help.
        let manual = try await Command.run(["man", "-l", prefix + "/share/man/man1/inferctl-classify.1.gz"], environment: ["MANWIDTH": "100"])
        #expect(manual.status == 0 && manual.stdout.contains("--resize"), "\(manual.stderr)\(manual.stdout.prefix(400))")
        #expect(!FileManager.default.fileExists(atPath: prefix + "/lib/inferd/libopenvino_intel_gpu_plugin.so"), "the GPU plugin is not needed")

        // The binaries look for libraries only next to the install, never in the build tree.
        let binary = prefix + "/bin/inferd"
        let dynamic = try await Command.run(["readelf", "-d", binary])
        let runpath = dynamic.stdout.split(separator: "\n").first { $0.contains("RUNPATH") } ?? ""
        #expect(runpath.contains("[$ORIGIN/../lib/inferd") && !runpath.contains(".deps"), "\(runpath)")
        let ldd = try await Command.run(["ldd", binary], environment: ["LD_LIBRARY_PATH": ""])
        let openvino = ldd.stdout.split(separator: "\n").filter { $0.contains("libopenvino") }
        #expect(!openvino.isEmpty && openvino.allSatisfy { $0.contains(prefix + "/bin/../lib/inferd/") }, "\(ldd.stdout)")

        // The installed daemon classifies, and every OpenVINO/TBB library it maps is the installed copy.
        let daemon = try await DaemonProcess.start(arguments: ["--preload", "squeezenet"], environment: ["LD_LIBRARY_PATH": ""],
                                                   executable: binary)
        let labels = try await API.classified(daemon, model: "squeezenet", sample: "chelsea.jpg")
        #expect(!labels.labels.isEmpty)
        let maps = try await Command.run(["cat", "/proc/\(daemon.pid)/maps"]).stdout  // (a Foundation read stops at a page)
        let mapped = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
            .filter { $0.contains("libopenvino") || $0.contains("libtbb") })
        #expect(mapped.count >= 4 && mapped.allSatisfy { $0.hasPrefix(prefix + "/lib/inferd/") }, "\(mapped.sorted())")

        // From a folder with no ./models and no ./samples, the installed inferctl's defaults still work:
        // bench finds its image groups and replay its default image among the installed samples
        // (PREFIX/share/inferd/samples); the models are the daemon's.
        let elsewhere = stage + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "time,model\n0,squeezenet\n0.1,squeezenet\n".write(toFile: elsewhere + "/trace.csv", atomically: true, encoding: .utf8)
        let inferctl = prefix + "/bin/inferctl"
        func fromElsewhere(_ arguments: String) async throws -> Command {
            try await Command.run(["/bin/sh", "-c", "cd '\(elsewhere)' && exec '\(inferctl)' \(arguments) --socket '\(daemon.socketPath)' --json"],
                                  environment: ["LD_LIBRARY_PATH": "", "INFERD_MODELS": ""], timeout: 300)
        }
        let bench = try await fromElsewhere("bench --models squeezenet --groups 540x960 --repeat 1 --warmup 1 --modes warm --resize server")
        #expect(bench.status == 0, "\(bench.stderr)")
        let cells = (try? JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any])?["cells"] as? [[String: Any]]
        #expect(cells?.count == 1 && cells?.first?["samples"] as? Int == 3, "\(bench.stdout.prefix(600))")
        let replay = try await fromElsewhere("replay trace.csv --speed 10")
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayed = try? JSONSerialization.jsonObject(with: Data(replay.stdout.utf8)) as? [String: Any]
        #expect(replayed?["completed"] as? Int == 2 && replayed?["errors"] as? Int == 0, "\(replay.stdout.prefix(600))")
        #expect(try await daemon.stop() == 0)

        // systemd-analyze verify on the installed units (ExecStart pointed at the installed binary).
        let units = stage + "/units"
        for kind in ["system", "user"] {
            try FileManager.default.createDirectory(atPath: units + "/" + kind, withIntermediateDirectories: true)
            for unit in ["inferd.service", "inferd.socket"] {
                let text = try String(contentsOfFile: "\(prefix)/lib/systemd/\(kind)/\(unit)", encoding: .utf8)
                try text.replacing("ExecStart=/usr/local/bin/inferd", with: "ExecStart=\(binary)")
                    .write(toFile: "\(units)/\(kind)/\(unit)", atomically: true, encoding: .utf8)
            }
        }
        let tcpSocket = try String(contentsOfFile: prefix + "/share/doc/inferd/examples/inferd-tcp.socket", encoding: .utf8)
        try tcpSocket.write(toFile: units + "/system/inferd-tcp.socket", atomically: true, encoding: .utf8)
        let verify = try await Command.run(["systemd-analyze", "verify", units + "/system/inferd.service", units + "/system/inferd.socket",
                                            units + "/system/inferd-tcp.socket"])
        #expect(verify.status == 0 && verify.stderr.isEmpty, "\(verify.stderr)")
        // The network drop-in (TCP listener, offload) verifies on top of the unit.
        let dropIns = units + "/network/inferd.service.d"
        try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        for unit in ["inferd.service", "inferd.socket"] {
            try FileManager.default.copyItem(atPath: units + "/system/" + unit, toPath: units + "/network/" + unit)
        }
        try FileManager.default.copyItem(atPath: DaemonProcess.packageRoot + "/systemd/network.conf.example", toPath: dropIns + "/network.conf")
        let verifyNetwork = try await Command.run(["systemd-analyze", "verify", units + "/network/inferd.service", units + "/network/inferd.socket"])
        #expect(verifyNetwork.status == 0 && verifyNetwork.stderr.isEmpty, "\(verifyNetwork.stderr)")
        let runtime = stage + "/xdg-runtime"
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let verifyUser = try await Command.run(["systemd-analyze", "verify", "--user", units + "/user/inferd.service", units + "/user/inferd.socket"],
                                               environment: ["XDG_RUNTIME_DIR": runtime])
        #expect(verifyUser.status == 0 && verifyUser.stderr.isEmpty, "\(verifyUser.stderr)")

        // Hardening: exposure 2.5 or lower.
        let security = try await Command.run(["systemd-analyze", "security", "--offline=true", units + "/system/inferd.service"])
        let overall = security.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let exposure = overall.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        let figure = try #require(exposure, "no exposure figure in: \(security.stdout.suffix(300))")
        #expect(figure <= 2.5, "\(overall)")

        // The unit reads the configuration where SYSCONFDIR put it.
        let unit = try String(contentsOfFile: prefix + "/lib/systemd/system/inferd.service", encoding: .utf8)
        #expect(unit.contains("--config /etc/inferd/inferd.toml"), "\(unit)")

        // Uninstall removes exactly what install put there: no file of ours is left.
        let uninstall = try await Command.run(make + ["uninstall"])
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let left = FileManager.default.enumerator(atPath: destdir)?.allObjects as? [String] ?? []
        #expect(left.isEmpty, "left after uninstall: \(left)")
    }

    /// `make install SYSCONFDIR=/usr/local/etc`: the config goes there and the unit reads it from there
    /// (before, the unit still said /etc/inferd/inferd.toml and the service exited 2).
    @Test func sysconfdirReachesTheUnit() async throws {
        let destdir = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-sysconf-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: destdir) }
        let buildDirectory = URL(fileURLWithPath: try DaemonProcess.binaryPath).deletingLastPathComponent().path
        let install = try await Command.run(["make", "--no-print-directory", "DESTDIR=\(destdir)", "BUILD_DIR=\(buildDirectory)",
                                             "SYSCONFDIR=/usr/local/etc", "install"])
        try #require(install.status == 0, "make install: \(install.stderr)")
        #expect(FileManager.default.fileExists(atPath: destdir + "/usr/local/etc/inferd/inferd.toml"))
        let unit = try String(contentsOfFile: destdir + "/usr/local/lib/systemd/system/inferd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/inferd --config /usr/local/etc/inferd/inferd.toml"), "\(unit)")
    }
}
