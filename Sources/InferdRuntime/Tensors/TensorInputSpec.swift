import InferdWire

/// What a model's first input wants, read from its Open Inference metadata: the tensor a client must
/// build from an image when the server takes tensors rather than encoded images.
///
/// Understood: datatype `UINT8` or `FP32`; shape `[1,-1,-1,3]` (any size, NHWC — what inferd's `/v2`
/// takes, resizing inside the model), `[1,H,W,3]` (NHWC) or `[1,3,H,W]` (NCHW), with `-1` also
/// accepted for the batch. When the shape cannot tell the layout (`[1,3,H,3]`), the `layout`
/// parameter decides. Parameters read when present: `layout` (`NHWC`/`NCHW`), `color` (`RGB`/`BGR`),
/// `normalize` (`unit`, `imagenet`, `none`, `MEAN/SCALE`, see ``TensorNormalization/init(named:)``),
/// `crop_short_side` (the centre crop the client makes) and inferd's `network_width`/`network_height`
/// (the smallest size worth decoding for a dynamic input).
public struct TensorInputSpec: Sendable, Equatable {
    /// The element type of the input.
    public enum Datatype: String, Sendable, Equatable {
        case uint8 = "UINT8"
        case float32 = "FP32"
    }

    /// Where the channel dimension is.
    public enum Layout: String, Sendable, Equatable {
        case nhwc = "NHWC"
        case nchw = "NCHW"
    }

    /// The channel order.
    public enum ChannelOrder: String, Sendable, Equatable {
        case rgb = "RGB"
        case bgr = "BGR"
    }

    /// The spatial size the input takes.
    public enum Size: Sendable, Equatable {
        /// Any height and width (`-1`): the server resizes.
        case dynamic
        /// Exactly this width and height: the client resizes.
        case fixed(width: Int, height: Int)
    }

    /// The input's name, to put in the request.
    public var name: String
    public var datatype: Datatype
    public var layout: Layout
    public var channelOrder: ChannelOrder
    public var size: Size
    /// The normalisation the metadata names (`normalize` parameter), nil when it says nothing.
    public var normalization: TensorNormalization?
    /// The centre crop the metadata asks of the client (`crop_short_side`: scale the short side to
    /// this, then take the centre input size; 0: no crop), nil when it says nothing.
    public var cropShortSide: Int?
    /// The network's input size when the metadata gives it (`network_width`, `network_height`).
    public var networkWidth: Int? { networkSize?.width }
    public var networkHeight: Int? { networkSize?.height }
    /// The smallest image size worth decoding: the fixed size, or for a dynamic input the network's
    /// input size when the metadata gives it (`network_width`, `network_height`); nil: decode at full size.
    public var minimumDecodeSize: (width: Int, height: Int)? {
        switch size {
        case .fixed(let width, let height): (width, height)
        case .dynamic: networkSize
        }
    }

    private var networkSize: (width: Int, height: Int)?

    public static func == (a: TensorInputSpec, b: TensorInputSpec) -> Bool {
        a.name == b.name && a.datatype == b.datatype && a.layout == b.layout && a.channelOrder == b.channelOrder
            && a.size == b.size && a.normalization == b.normalization && a.cropShortSide == b.cropShortSide
            && a.networkSize?.width == b.networkSize?.width && a.networkSize?.height == b.networkSize?.height
    }

    /// Reads the first input of `metadata`.
    ///
    /// - Throws: ``TensorPreparationError`` naming the model and what its metadata says, when there is
    ///   no input or its datatype, shape, `layout` or `color` is not one of those understood.
    public init(metadata: OpenInference.ModelMetadata) throws(TensorPreparationError) {
        let model = metadata.name
        guard let input = metadata.inputs.first else {
            throw TensorPreparationError(.noInput, "the metadata of \(model) lists no inputs")
        }
        guard let datatype = Datatype(rawValue: input.datatype.uppercased()) else {
            throw TensorPreparationError(.unsupportedDatatype,
                                         "input \(input.name) of \(model) is \(input.datatype); only UINT8 and FP32 image inputs are supported")
        }
        let parameters = metadata.parameters ?? [:]
        var declaredLayout: Layout?
        if case .string(let text)? = parameters["layout"] {
            guard let layout = Layout(rawValue: text.uppercased()) else {
                throw TensorPreparationError(.unsupportedParameter, "\(model) declares layout \"\(text)\"; only NHWC and NCHW are supported")
            }
            declaredLayout = layout
        }
        var channelOrder = ChannelOrder.rgb
        if case .string(let text)? = parameters["color"] {
            guard let order = ChannelOrder(rawValue: text.uppercased()) else {
                throw TensorPreparationError(.unsupportedParameter, "\(model) declares color \"\(text)\"; only RGB and BGR are supported")
            }
            channelOrder = order
        }
        let shape = input.shape
        let shapeText = "[" + shape.map(String.init).joined(separator: ",") + "]"
        let unsupported = TensorPreparationError(.unsupportedShape,
                                                 "input \(input.name) of \(model) has shape \(shapeText); supported are [1,-1,-1,3], [1,H,W,3] (NHWC) and [1,3,H,W] (NCHW)")
        guard shape.count == 4, shape[0] == 1 || shape[0] == -1 else { throw unsupported }
        let channelsLast = shape[3] == 3
        let channelsFirst = shape[1] == 3
        let layout: Layout
        switch (channelsLast, channelsFirst) {
        case (true, false): layout = .nhwc
        case (false, true): layout = .nchw
        case (true, true): layout = declaredLayout ?? .nhwc
        case (false, false): throw unsupported
        }
        let (height, width) = layout == .nhwc ? (shape[1], shape[2]) : (shape[2], shape[3])
        let size: Size
        switch (height, width) {
        case (-1, -1): size = .dynamic
        case let (h, w) where h > 0 && w > 0 && h <= 1 << 15 && w <= 1 << 15: size = .fixed(width: Int(w), height: Int(h))
        default: throw unsupported
        }
        var normalization: TensorNormalization?
        if case .string(let name)? = parameters["normalize"] {
            guard let named = TensorNormalization(named: name) else {
                throw TensorPreparationError(.unsupportedParameter, "\(model) declares normalize \"\(name)\"; understood are \(TensorNormalization.spellings)")
            }
            normalization = named
        }
        var cropShortSide: Int?
        if let side = parameters["crop_short_side"]?.intValue {
            guard side >= 0, side <= 1 << 15 else {
                throw TensorPreparationError(.unsupportedParameter, "\(model) declares crop_short_side \(side); it must be 0 (no crop) to 32768")
            }
            cropShortSide = Int(side)
        }
        var networkSize: (width: Int, height: Int)?
        if let width = parameters["network_width"]?.intValue, let height = parameters["network_height"]?.intValue,
           width > 0, height > 0, width <= 1 << 15, height <= 1 << 15 {
            networkSize = (Int(width), Int(height))
        }
        self.name = input.name
        self.datatype = datatype
        self.layout = layout
        self.channelOrder = channelOrder
        self.size = size
        self.normalization = normalization
        self.cropShortSide = cropShortSide
        self.networkSize = networkSize
    }
}
