import NN

/// `create_body(model, cut)`: `nn.Sequential(*list(model.children())[:cut])`.
///
/// The body shares its layers with `model` (no copy), just as in PyTorch.
public func createBody(_ model: Module, cut: Cut) throws(FastaiError) -> Sequential {
    let kids = model.children
    let end: Int
    switch cut {
    case .index(let i):
        // Python slice semantics for [:i].
        end = i < 0 ? max(0, kids.count + i) : min(i, kids.count)
    case .lastPool:
        guard let i = kids.lastIndex(where: containsPooling) else {
            throw FastaiError("cut=None: no child of \(model.typeName) contains a pooling layer, so there is nowhere to cut")
        }
        end = i
    }
    guard end > 0 else {
        throw FastaiError(
            "cut \(cut) keeps none of the \(kids.count) children of \(model.typeName) (\(kids.map(\.typeName).joined(separator: ", "))): the body would be empty"
        )
    }
    return Sequential(Array(kids[..<end]))
}

/// `create_body` with a function instead of an index (fastai accepts a callable `cut`).
public func createBody(_ model: Module, cut: (Module) throws -> Module) rethrows -> Module { try cut(model) }

/// fastai's `is_pool_type`: the class name ends in `Pool1d`, `Pool2d` or `Pool3d`.
public func isPoolType(_ m: Module) -> Bool {
    ["Pool1d", "Pool2d", "Pool3d"].contains { m.typeName.hasSuffix($0) }
}

/// fastai's `has_pool_type`: the module or any descendant is a pooling layer.
public func containsPooling(_ m: Module) -> Bool { m.modules.contains(where: isPoolType) }
