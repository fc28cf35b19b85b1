import Core
import Foundation
import InferdRuntime
import InferdServer

/// `inferd --check`: validates the configuration and every model bundle without serving, and reports
/// **every** problem found (not only the first), one a line, then exits 0 (all good) or 2.
///
/// Checks: the configuration (file, environment, flags) resolves; the lifecycle settings are valid
/// and name only models that exist; the models directory is readable; each bundle's manifest is valid
/// and its files exist (the catalog's problems); OpenVINO reads each model file and its input agrees
/// with the manifest; the admin token file, when set, is readable.
struct ConfigurationCheck {
    /// The configuration as resolved from file, environment and flags, with every problem found doing so.
    let resolution: (configuration: DaemonConfiguration, problems: [ConfigurationError])
    let environment: [String: String]
    /// Where the models are when the configuration does not say (or its setting was refused).
    let fallbackModels: String?

    /// Runs every check, prints the findings and returns the exit status.
    func run() -> Int32 {
        let configuration = resolution.configuration
        var problems = resolution.problems.map { "configuration: \($0.message)" }
        func add(_ problem: String) {
            if !problems.contains(problem) { problems.append(problem) }  // a rule resolving checked already
        }
        var lifecycle: LifecycleConfiguration?
        do {
            lifecycle = try configuration.lifecycle()
        } catch {
            add("configuration: \(error.message)")
        }
        if let path = configuration.adminTokenFile {
            do {
                _ = try AdminToken.read(from: path)
            } catch {
                add("configuration: \(error.message)")
            }
        }
        let directory = configuration.modelsDirectory ?? fallbackModels ?? DefaultPaths.models(environment: environment)
        var bundles = 0
        do {
            let catalog = try ModelCatalog.scan(directory)
            bundles = catalog.names.count
            problems += catalog.problems.map { "model bundle \($0)" }
            if let lifecycle {
                do {
                    try lifecycle.validate(against: catalog)
                } catch {
                    add("configuration: \(error.message)")
                }
            }
            problems += Self.readModels(catalog)
        } catch {
            problems.append("models directory: \(error)")
        }
        if problems.isEmpty {
            print("inferd --check: ok — configuration valid, \(bundles) model bundle(s) in \(directory) read by OpenVINO")
            return 0
        }
        for problem in problems { print("problem: \(problem)") }
        print("inferd --check: \(problems.count) problem(s)")
        return ExitStatus.usage
    }

    /// OpenVINO reads each bundle's model file; its first input must be 4-D with the manifest's size.
    static func readModels(_ catalog: ModelCatalog) -> [String] {
        let engine: Engine
        do {
            engine = try Engine()
        } catch {
            return ["OpenVINO cannot start: \(error)"]
        }
        var problems: [String] = []
        for name in catalog.names {
            guard let bundle = catalog[name] else { continue }
            do {
                let graph = try engine.readModel(at: bundle.modelPath)
                let shape = try graph.input(0).shape
                let input = bundle.manifest.input
                let (height, width) = input.layout == "NCHW" ? (shape.count == 4 ? shape[2] : -2, shape.count == 4 ? shape[3] : -2)
                                                             : (shape.count == 4 ? shape[1] : -2, shape.count == 4 ? shape[2] : -2)
                if height == -2 || (height > 0 && height != input.height) || (width > 0 && width != input.width) {
                    problems.append("model bundle \(bundle.directory): the model's input \(shape) does not match the manifest's \(input.width)x\(input.height) \(input.layout)")
                }
            } catch {
                problems.append("model bundle \(bundle.directory): OpenVINO cannot read \(bundle.manifest.file): \(error)")
            }
        }
        return problems
    }
}
