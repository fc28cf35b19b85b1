import Core

/// How an image becomes the tensor a remote model takes, decided once per model and metadata, with
/// where each choice came from — so a foreign server (KServe, Triton, MLServer) is never fed a guess.
///
/// Layout, size, datatype and channel order come from the remote's metadata (``TensorInputSpec``).
/// Normalisation and the centre crop, which an input's shape cannot tell, come from, in order:
/// 1. an explicit setting (``PreprocessingSettings``: `inferctl --input-normalize`, a remote's
///    `normalize=`) — the operator's word wins;
/// 2. the remote's metadata parameters (`normalize`, `crop_short_side`);
/// 3. the local bundle of the same name (its manifest's `normalize` and `resize`).
///
/// A `UINT8` input needs no normalisation (the server's model does it). An `FP32` input that none of
/// the three describes is refused (``TensorPreparationError/Code/unknownNormalization``), with a
/// message that says what to configure: values in the wrong range give confident wrong labels. No
/// crop known means the whole image is sent (the server's own resize decides).
public struct PreprocessingPlan: Sendable, Equatable {
    /// Where a choice came from.
    public enum Source: String, Sendable, Equatable {
        /// An explicit setting.
        case configured
        /// The remote's model metadata.
        case metadata
        /// The local model bundle of the same name.
        case bundle = "local bundle"
        /// Not needed (a `UINT8` input's normalisation) or not known (no crop).
        case none
    }

    /// The input as the metadata describes it.
    public var spec: TensorInputSpec
    /// For an `FP32` input, how pixels become floats; nil for `UINT8`.
    public var normalization: TensorNormalization?
    public var normalizationSource: Source
    /// The centre crop made here before the tensor is built; nil: the whole image.
    public var crop: CenterCrop?
    public var cropSource: Source

    /// Decides for `model`'s input `spec`.
    ///
    /// - Parameters:
    ///   - server: who serves it, for the refusal's message.
    ///   - bundle: the local manifest of the same name, if any.
    /// - Throws: ``TensorPreparationError`` `.unknownNormalization` for an `FP32` input nothing describes.
    public static func resolve(model: String, server: String, spec: TensorInputSpec, bundle: ModelManifest?,
                               settings: PreprocessingSettings = PreprocessingSettings()) throws(TensorPreparationError) -> PreprocessingPlan {
        var normalization: TensorNormalization?
        var normalizationSource = Source.none
        if spec.datatype == .float32 {
            if let configured = settings.normalization {
                (normalization, normalizationSource) = (configured, .configured)
            } else if let declared = spec.normalization {
                (normalization, normalizationSource) = (declared, .metadata)
            } else if let bundle {
                (normalization, normalizationSource) = (TensorNormalization(bundle.normalize), .bundle)
            } else {
                throw TensorPreparationError(.unknownNormalization, """
                    \(model) on \(server) takes FP32 input \(spec.name), and nothing says how to normalise its pixels: \
                    its metadata has no "normalize" parameter and there is no local bundle named \(model). \
                    Say it: inferctl --input-normalize, or normalize= on the offload remote \
                    (\(TensorNormalization.spellings)); or give the server's metadata parameters.normalize
                    """)
            }
        }
        // The crop's target: the fixed input size, else the network size the metadata or the bundle gives.
        let target: (width: Int, height: Int)? = switch spec.size {
        case .fixed(let width, let height): (width, height)
        case .dynamic: spec.networkWidth.flatMap { w in spec.networkHeight.map { (w, $0) } }
            ?? bundle.map { ($0.input.width, $0.input.height) }
        }
        let shortSide: Int?
        let cropSource: Source
        if let configured = settings.cropShortSide {
            (shortSide, cropSource) = (configured, .configured)
        } else if let declared = spec.cropShortSide {
            (shortSide, cropSource) = (declared, .metadata)
        } else if let bundle, let crop = InputGeometry(manifest: bundle).centerCrop {
            (shortSide, cropSource) = (crop.shortSide, .bundle)
        } else {
            (shortSide, cropSource) = (nil, .none)
        }
        var crop: CenterCrop?
        if let shortSide, shortSide > 0, let target, target.width > 0, target.height > 0 {
            crop = CenterCrop(shortSide: shortSide, width: target.width, height: target.height)
        }
        return PreprocessingPlan(spec: spec, normalization: normalization, normalizationSource: normalizationSource,
                                 crop: crop, cropSource: crop == nil ? .none : cropSource)
    }

    /// The smallest size worth decoding: the crop's short side when cropping, else the input's.
    public var minimumDecodeSize: (width: Int, height: Int)? {
        if let crop { return (crop.shortSide, crop.shortSide) }
        return spec.minimumDecodeSize
    }

    /// The tensor for decoded `pixels`: cropped, then laid out as the spec says.
    public func tensor(from pixels: PixelBuffer) -> InputTensor {
        let source = crop?.apply(to: pixels) ?? pixels
        return TensorPreparer.tensor(from: source, for: spec, normalization: normalization ?? .identity)
    }

    /// In words, for logs and messages: `FP32 NCHW 224x224, normalise -1…1 (local bundle), centre crop 256 (metadata)`.
    public var summary: String {
        let size = switch spec.size {
        case .dynamic: "any size"
        case .fixed(let width, let height): "\(width)x\(height)"
        }
        var text = "\(spec.datatype.rawValue) \(spec.layout.rawValue) \(size)"
        if let normalization { text += ", normalise \(normalization.summary) (\(normalizationSource.rawValue))" }
        text += crop.map { ", centre crop from short side \($0.shortSide) (\(cropSource.rawValue))" } ?? ", no crop"
        return text
    }
}

/// Preprocessing an operator states for a remote whose metadata does not say it: `inferctl
/// --input-normalize`/`--input-crop-short-side`, or a remote's `normalize=`/`crop_short_side=`.
public struct PreprocessingSettings: Sendable, Equatable, Codable {
    /// How to normalise an `FP32` input; nil: ask the metadata, then the local bundle.
    public var normalization: TensorNormalization?
    /// Centre crop: scale the short side to this, then take the centre (0: no crop); nil: ask the
    /// metadata, then the local bundle.
    public var cropShortSide: Int?

    public init(normalization: TensorNormalization? = nil, cropShortSide: Int? = nil) {
        self.normalization = normalization
        self.cropShortSide = cropShortSide
    }

    /// The settings an offload remote's `normalize=` and `crop_short_side=` words state.
    ///
    /// - Throws: ``ConfigurationError`` `.invalidValue` naming the remote, for a `normalize` not
    ///   understood.
    public init(remote: RemoteServer) throws(ConfigurationError) {
        var normalization: TensorNormalization?
        if let text = remote.normalize {
            guard let named = TensorNormalization(named: text) else {
                throw ConfigurationError(.invalidValue, "offload remote \(remote.url): normalize must be \(TensorNormalization.spellings), not \(text)")
            }
            normalization = named
        }
        self.init(normalization: normalization, cropShortSide: remote.cropShortSide)
    }
}
