import Foundation

/// Where inferctl finds model bundles and sample photos when no flag names them: the working
/// directory first (a checkout: `./models`, `./samples`), else what an installation put on the
/// machine (`/var/lib/inferd/models`, the daemon's state directory; `PREFIX/share/inferd/samples`,
/// next to the binary). A command that needs one and finds neither says which flag to pass.
enum DataPaths {
    /// The installed daemon's models (`make install`, the Debian package).
    static let installedModels = "/var/lib/inferd/models"

    /// `PREFIX/share/inferd/samples` for the running binary (`PREFIX/bin/inferctl`).
    static var installedSamples: String {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        return binary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/inferd/samples").path
    }

    /// The models directory: `./models` when it exists, else the installed one when it is readable,
    /// else `models` (so the error names the working directory and the flag).
    static func models() -> String {
        firstDirectory(["models", installedModels]) ?? "models"
    }

    /// The sample photos: `./samples`, else the installed ones, else `samples`.
    static func samples() -> String {
        firstDirectory(["samples", installedSamples]) ?? "samples"
    }

    /// The first of `candidates` that is a directory this user can list.
    static func firstDirectory(_ candidates: [String]) -> String? {
        candidates.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
                && FileManager.default.isReadableFile(atPath: path) && FileManager.default.isExecutableFile(atPath: path)
        }
    }
}
