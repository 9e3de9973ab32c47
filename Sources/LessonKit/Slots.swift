import Fastai
import NN

/// Anything that names a slot in an access declaration.
public protocol SlotKey: Sendable {
    var erased: AnySlot { get }
}

/// A notebook variable: a name and the type of its value.
public struct Slot<Value>: SlotKey {
    /// The key in the context, and how `check` names it.
    public let name: String
    /// How an error message names it (`the body`).
    public let description: String

    init(_ name: String, _ description: String) {
        self.name = name
        self.description = description
    }

    /// The slot without its value type, for access declarations.
    public var erased: AnySlot { AnySlot(name: name, description: description) }
}

/// A slot named in a step's access declaration.
public struct AnySlot: SlotKey, Hashable {
    public var erased: AnySlot { self }
    public let name: String
    public let description: String
}

/// The notebook variables steps read and write; a training step adds its own here (learner state,
/// optimizer, recorder, data loaders), one line each.
public enum Slots {
    /// `data`: the DataBunch (classes, `c`).
    public static let data = Slot<DataBunch>("data", "data")
    /// `meta = cnn_config(arch)`.
    public static let meta = Slot<ModelMeta>("meta", "meta")
    /// `arch(pretrained)`: the whole torchvision model, where its weights came from.
    public static let architecture = Slot<LoadedArchitecture>("architecture", "arch(pretrained)")
    /// The first conv's adaptation to other input channels, when there was one.
    public static let firstLayerChange = Slot<FirstLayerChange>("first_layer_change", "the first layer's adaptation")
    /// The cut `create_body` used.
    public static let cut = Slot<Cut>("cut", "cut")
    /// `body = create_body(…)`.
    public static let body = Slot<Sequential>("body", "body")
    /// What `num_features_model` measured.
    public static let probe = Slot<FeatureProbe>("probe", "the feature probe")
    /// `nf = num_features_model(body) * 2`.
    public static let nf = Slot<Int>("nf", "nf")
    /// `head = create_head(nf, data.c, …)`.
    public static let head = Slot<Module>("head", "head")
    /// `model = nn.Sequential(body, head)`.
    public static let model = Slot<Module>("model", "model")
    /// `learn = ClassificationLearner(data, model)`.
    public static let learn = Slot<Learner>("learn", "learn")
    /// `learn.split(meta['split'])`: the layer groups.
    public static let layerGroups = Slot<[[Module]]>("layer_groups", "layer groups")
    /// Layers a step swapped out, by dotted path, with the module that stood there before (so a
    /// later step can compare the model with and without the change, as lesson 4's proof does).
    public static let replacedLayers = Slot<[String: Module]>("replaced_layers", "the replaced layers")
}

extension Slots {
    /// The loaders `fit` trains and validates on (`data.train_dl`, `data.valid_dl`).
    public static let trainingData = Slot<TrainingData>("training_data", "the training data")
}
