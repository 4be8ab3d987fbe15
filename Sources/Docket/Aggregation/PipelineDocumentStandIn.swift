import DocketBSON

// Stand-in for the expression engine's `PipelineDocument` (Expression/), removed when that branch is merged.

/// A document flowing through a pipeline: the stored bytes until a stage reshapes it, then an in-memory document.
enum PipelineDocument: Sendable {
    case stored(RawDocument)
    case value(BSONDocument)

    /// The whole document, decoded.
    func decoded() throws(DocketError) -> BSONDocument {
        switch self {
        case .stored(let raw): return try raw.decoded()
        case .value(let document): return document
        }
    }
}
