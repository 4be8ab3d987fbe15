import DocketBSON

/// The document a pipeline stage or an expression reads: stored bytes until a stage reshapes it.
///
/// Field paths read a `.stored` document from its encoded bytes (``PathValues``), decoding only the values they
/// reach; a stage that builds a new document (`$project`, `$group`) hands on a `.value`.
enum PipelineDocument: Sendable {
    /// A document as it is stored: read lazily, one field at a time.
    case stored(RawDocument)
    /// A document built in memory.
    case value(BSONDocument)

    /// The value of the first top-level field named `name`, or `nil` when it is absent.
    func field(_ name: String) -> BSONValue? {
        switch self {
        case .stored(let raw): raw[name]
        case .value(let document): document[name]
        }
    }

    /// The whole document, decoded when it is stored.
    ///
    /// - Throws: `InvalidBSON` when stored bytes are damaged.
    func decoded() throws(DocketError) -> BSONDocument {
        switch self {
        case .value(let document):
            return document
        case .stored(let raw):
            do { return try raw.decode() } catch { throw DocketError(error) }
        }
    }

    /// The value an expression field path (`$a.b`, MongoDB's `ExpressionFieldPath` rules) reaches; `nil` when it
    /// reaches nothing. An empty path is the whole document.
    func value(atExpressionPath path: [FieldPath.Component]) throws(DocketError) -> BSONValue? {
        if path.isEmpty { return .document(try decoded()) }
        switch self {
        case .stored(let raw):
            return raw.bytes.withUnsafeBytes { buffer in
                PathValues.expressionValue(path, in: RawPathAccessor.root(), RawPathAccessor(buffer: buffer))
            }
        case .value(let document):
            return PathValues.expressionValue(path, in: .document(document), ValuePathAccessor())
        }
    }
}
