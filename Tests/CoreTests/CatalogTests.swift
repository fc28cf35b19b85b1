import Core
import Foundation
import Testing

/// A models directory with one good bundle and one of each kind of bad bundle: the scan lists the
/// good one and reports every bad one with its code and a reason a person can act on.
@Suite struct CatalogTests {
    /// squeezenet's manifest as a JSON object, to be edited per case.
    static func squeezenetManifest() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.models + "/squeezenet/manifest.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Makes `directory/folder` holding `manifest` (raw text or a JSON object) and symlinks to
    /// squeezenet's model and labels unless told otherwise.
    static func makeBundle(in directory: String, _ folder: String, manifest: Any?, model: Bool = true, labels: Bool = true) throws {
        let path = directory + "/" + folder
        let files = FileManager.default
        try files.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let text = manifest as? String {
            try text.write(toFile: path + "/manifest.json", atomically: true, encoding: .utf8)
        } else if let object = manifest {
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path + "/manifest.json"))
        }
        if model { try files.createSymbolicLink(atPath: path + "/model.onnx", withDestinationPath: Fixtures.models + "/squeezenet/model.onnx") }
        if labels { try files.createSymbolicLink(atPath: path + "/labels.txt", withDestinationPath: Fixtures.models + "/squeezenet/labels.txt") }
    }

    @Test func scanListsTheGoodBundleAndExplainsEveryBadOne() throws {
        let directory = try Fixtures.temporaryDirectory("catalog")
        defer { Fixtures.removeTemporary(directory) }
        let good = try Self.squeezenetManifest()
        let renamed = { (name: String) -> [String: Any] in var manifest = good; manifest["name"] = name; return manifest }

        try Self.makeBundle(in: directory, "good", manifest: good)
        try Self.makeBundle(in: directory, "no-manifest", manifest: nil)
        try Self.makeBundle(in: directory, "empty", manifest: nil, model: false, labels: false)
        try Self.makeBundle(in: directory, "invalid-json", manifest: "{\"name\": \"broken\", ")
        var missingField = renamed("missing-field"); missingField.removeValue(forKey: "input")
        try Self.makeBundle(in: directory, "missing-field", manifest: missingField)
        try Self.makeBundle(in: directory, "missing-model", manifest: renamed("missing-model"), model: false)
        try Self.makeBundle(in: directory, "bad-name", manifest: renamed("bad name/../x"))
        try Self.makeBundle(in: directory, "missing-labels", manifest: renamed("missing-labels"), labels: false)
        try Self.makeBundle(in: directory, "twin-a", manifest: renamed("twin"))
        try Self.makeBundle(in: directory, "twin-b", manifest: renamed("twin"))
        // Not bundles, not problems: a plain file and a hidden folder.
        try "notes".write(toFile: directory + "/README.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/.cache", withIntermediateDirectories: true)

        let catalog = try ModelCatalog.scan(directory)
        #expect(catalog.names == ["squeezenet", "twin"], "\(catalog.names)")
        #expect(catalog.unknownModelMessage("no-manifest").contains("inferctl models add"), "a client asking for it is told why")
        #expect(catalog.unknownModelMessage("nothing") == "no model named \"nothing\" (known: squeezenet, twin)")
        #expect(catalog["squeezenet"]?.directory.hasSuffix("/good") == true)
        #expect(catalog["squeezenet"]?.labels.count == 1000)
        #expect(catalog["twin"]?.directory.hasSuffix("/twin-a") == true, "the first in name order wins")

        let expected: [String: (CatalogError.Code, [String])] = [
            // A model file alone is not guessed at: the reason is the command that makes it a bundle.
            "no-manifest": (.missingManifest, ["model.onnx has no manifest.json",
                                               "inferctl models add \(directory)/no-manifest/model.onnx --name no-manifest --models \(directory)"]),
            "empty": (.missingManifest, ["no manifest.json and no model file"]),
            "invalid-json": (.invalidManifest, ["JSON"]),
            "missing-field": (.invalidManifest, ["missing field", "input"]),
            "missing-model": (.missingModelFile, ["model.onnx"]),
            "bad-name": (.invalidManifest, ["name", "bad name/../x"]),
            "missing-labels": (.missingLabels, ["labels.txt"]),
            "twin-b": (.duplicateName, ["twin", "twin-a"]),
        ]
        let byFolder = Dictionary(catalog.problems.map { (($0.bundle as NSString).lastPathComponent, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(catalog.problems.count == expected.count, "\(catalog.problems)")
        for (folder, (code, words)) in expected.sorted(by: { $0.key < $1.key }) {
            guard let problem = byFolder[folder] else {
                Issue.record("no problem reported for \(folder)")
                continue
            }
            #expect(problem.code == code, "\(folder): \(problem)")
            #expect(problem.bundle == directory + "/" + folder || problem.bundle.hasSuffix("/" + folder))
            for word in words {
                #expect(problem.reason.contains(word), "\(folder): reason \"\(problem.reason)\" should mention \(word)")
            }
            #expect(problem.description.contains(folder) && problem.description.contains(problem.reason))
        }
    }

    @Test func aMissingDirectoryThrows() throws {
        let directory = try Fixtures.temporaryDirectory("catalog-missing")
        Fixtures.removeTemporary(directory)
        let error = #expect(throws: CatalogError.self) { try ModelCatalog.scan(directory) }
        #expect(error?.code == .unreadableDirectory)
        #expect(error?.reason.isEmpty == false)
        #expect(error?.bundle == directory)
    }

    @Test func theRealModelsDirectoryHasNoProblems() throws {
        let catalog = try ModelCatalog.scan(Fixtures.models)
        #expect(catalog.problems.isEmpty, "\(catalog.problems)")
        #expect(Set(["efficientnet-lite0", "alexnet", "nin", "squeezenet"]).isSubset(of: Set(catalog.names)))
    }
}
