import Foundation
import Testing

/// `make deb` with the test build's binaries (BUILD_DIR, so the suite needs no release build): the
/// package's fields, its files (man pages, completions, units, conffile, copyright), stripped
/// binaries, maintainer scripts that parse, lintian without errors, and the extracted programs run.
@Suite(.serialized) struct PackageTests {
    @Test func debHasWhatAServicePackageNeedsAndLintianAccepts() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("inferd-deb-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let buildDirectory = URL(fileURLWithPath: try DaemonProcess.binaryPath).deletingLastPathComponent().path
        let build = try await Command.run(["make", "--no-print-directory", "BUILD_DIR=\(buildDirectory)", "deb"],
                                          environment: ["OUT_DIR": out])
        try #require(build.status == 0, "make deb: \(build.stderr)")
        let deb = try #require(build.stdout.split(separator: "\n").last.map(String.init), "no package path printed")
        #expect(deb.hasPrefix(out) && deb.hasSuffix(".deb"), "\(deb)")

        let version = try await Command.run([buildDirectory + "/inferd", "--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fields = try await Command.run(["dpkg-deb", "--field", deb, "Package", "Version", "Depends"]).stdout
        #expect(fields.contains("Package: inferd") && fields.contains("Version: \(version)"), "\(fields)")
        #expect(fields.contains("libturbojpeg0") && fields.contains("libpng16-16") && fields.contains("systemd"), "\(fields)")

        let contents = try await Command.run(["dpkg-deb", "--contents", deb]).stdout
        for path in ["./usr/bin/inferd", "./usr/bin/inferctl", "./usr/lib/inferd/libopenvino_intel_cpu_plugin.so",
                     "./usr/lib/systemd/system/inferd.service", "./usr/lib/systemd/system/inferd.socket",
                     "./usr/lib/sysusers.d/inferd.conf", "./usr/lib/tmpfiles.d/inferd.conf", "./etc/inferd/inferd.toml",
                     "./usr/share/man/man1/inferd.1.gz", "./usr/share/man/man1/inferctl.1.gz", "./usr/share/man/man1/inferctl-bench.1.gz",
                     "./usr/share/bash-completion/completions/inferctl", "./usr/share/zsh/vendor-completions/_inferctl",
                     "./usr/share/fish/vendor_completions.d/inferctl.fish", "./usr/share/doc/inferd/copyright",
                     "./usr/share/doc/inferd/changelog.gz"] {
            #expect(contents.contains(" " + path + "\n") || contents.hasSuffix(" " + path), "\(path) missing from the package")
        }
        #expect(!contents.contains("install-manifest"), "dpkg tracks the files; the make-install manifest does not belong in a package")

        let control = out + "/control"
        #expect(try await Command.run(["dpkg-deb", "--control", deb, control]).status == 0)
        #expect(try String(contentsOfFile: control + "/conffiles", encoding: .utf8) == "/etc/inferd/inferd.toml\n")
        for script in ["postinst", "prerm", "postrm"] {
            let syntax = try await Command.run(["sh", "-n", control + "/" + script])
            #expect(syntax.status == 0, "\(script): \(syntax.stderr)")
        }

        // The extracted tree: stripped binaries that run, and a unit that reads /etc/inferd.
        let root = out + "/root"
        #expect(try await Command.run(["dpkg-deb", "--extract", deb, root]).status == 0)
        for binary in ["inferd", "inferctl"] {
            let sections = try await Command.run(["readelf", "--section-headers", root + "/usr/bin/" + binary]).stdout
            #expect(!sections.contains(".symtab"), "\(binary) is not stripped")
            let help = try await Command.run([root + "/usr/bin/" + binary, "--help"], environment: ["LD_LIBRARY_PATH": ""])
            #expect(help.status == 0 && help.stdout.contains("USAGE"), "\(binary) --help: \(help.stderr)")
        }
        let unit = try String(contentsOfFile: root + "/usr/lib/systemd/system/inferd.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/inferd --config /etc/inferd/inferd.toml"), "\(unit)")

        // lintian: no errors. (A test build links the Swift runtime dynamically from the toolchain, hence
        // its RUNPATH; `make deb` ships a static one.) The zlib swift-nio-extras compiles into inferd is
        // overridden by the package itself, with its reason, and the override must be used: a zlib
        // found anywhere else would be an error here.
        let lintian = try await Command.run(["lintian", "--tag-display-limit", "0", "--show-overrides", "--suppress-tags",
                                             "custom-library-search-path", deb])
        let errors = lintian.stdout.split(separator: "\n").filter { $0.hasPrefix("E:") }
        #expect(errors.isEmpty, "lintian errors:\n\(lintian.stdout)\(lintian.stderr)")
        #expect(lintian.stdout.contains("O: inferd: embedded-library zlib [usr/bin/inferd]"), "\(lintian.stdout)")
        #expect(!lintian.stdout.contains("unused-override"), "\(lintian.stdout)")
    }
}
