import DocketBSON

// The one "values at path" generator: MongoDB's rules for what a dotted path such as `teams.role` reaches in a
// document whose fields may hold arrays. Matching, sort keys and `distinct` (and, later, index keys and expression
// field paths) all read paths through it, over stored bytes (`RawPathAccessor`) or over in-memory values
// (`ValuePathAccessor`) — one generic walk, specialized per accessor, with no existential in the per-document loop.
//
// The rules, in MongoDB's terms:
//
// - Embedded documents are followed by field name. A missing field, or a scalar met before the path ends, makes the
//   path *absent* there.
// - An array that ends the path ("leaf array") yields its elements, then itself, for matching
//   (`BSONElementIterator`); only itself for `$size` and `$elemMatch`; only its elements for sort keys and
//   `distinct` (an empty array sorts as `undefined`).
// - An array in the middle of the path continues the rest of the path in each element that is a document (the
//   same component is looked up in each). When the component is a number `n`, element `n` also continues the path
//   after that component ("positional"). Sort keys use only the positional reading when the component is a number.
// - Nested arrays are not traversed implicitly, except through a positional component.
//
// Each consumer states its differences as a `PathSemantics` value; the differences are MongoDB's, not accidents.
//
// Aggregation expressions (`"$a.b"`) read paths differently, so they have a sibling walk here
// (`PathValues.expressionValue`) over the same accessors: it builds one value instead of visiting many. An array in
// the middle of the path yields an array of what the rest of the path reaches in each element that is a document
// (elements that reach nothing, and elements that are not documents, are skipped; an array reached in an element
// stays nested); numeric components are field names, never positions.

/// What kind of value an accessor sees at a point of a path.
enum PathValueKind {
    case document, array, other
}

/// Read access to a document tree for ``PathValues``: stored bytes or in-memory values.
protocol PathAccessor {
    associatedtype Value
    /// The kind of a value.
    func kind(_ value: Value) -> PathValueKind
    /// The first field named by `component` in a document value, or `nil`.
    func field(_ component: FieldPath.Component, of document: Value) -> Value?
    /// Calls `body` with each element of an array value and its index, until `body` returns `true` (stop);
    /// returns whether it stopped.
    func forEachElement(of array: Value, _ body: (Int, Value) -> Bool) -> Bool
}

/// How a consumer reads paths (see the file comment).
struct PathSemantics: Sendable {
    /// What a leaf array yields.
    enum LeafArrays: Sendable {
        /// Each element, then the array itself (matching).
        case elementsThenArray
        /// The array itself (`$size`, `$elemMatch`).
        case arrayOnly
        /// Each element; an empty array yields nothing (`distinct`).
        case elements
        /// Each element; an empty array yields itself (sort keys read it as `undefined`).
        case elementsOrEmptyArray
    }

    var leafArrays: LeafArrays
    /// Whether an absent path (missing field, scalar in the way) is reported to the visitor as `nil`.
    var reportsAbsent: Bool
    /// Whether a numeric component inside an array selects only that element (no document traversal).
    var positionalOnly: Bool
    /// Whether the element a positional last component selects is expanded when it is an array.
    var positionalLeafExpands: Bool
    /// Whether a numeric component that selects nothing (out of range, or a scalar before the path ends) and a
    /// named component inside an array without documents are reported as absent.
    var reportsAbsentInsideArrays: Bool

    /// MongoDB's matching (`BSONElementIterator`), for predicates that look at leaf array elements.
    static let matching = PathSemantics(
        leafArrays: .elementsThenArray, reportsAbsent: true, positionalOnly: false, positionalLeafExpands: false,
        reportsAbsentInsideArrays: false)
    /// Matching for `$size` and `$elemMatch`, which see leaf arrays whole.
    static let matchingWholeArrays = PathSemantics(
        leafArrays: .arrayOnly, reportsAbsent: true, positionalOnly: false, positionalLeafExpands: false,
        reportsAbsentInsideArrays: false)
    /// Sort keys: every value the path reaches, `nil` (null) where it reaches nothing.
    static let sortKeys = PathSemantics(
        leafArrays: .elementsOrEmptyArray, reportsAbsent: true, positionalOnly: true, positionalLeafExpands: true,
        reportsAbsentInsideArrays: true)
    /// `distinct`: every value the path reaches, arrays unwound.
    static let distinctValues = PathSemantics(
        leafArrays: .elements, reportsAbsent: false, positionalOnly: false, positionalLeafExpands: true,
        reportsAbsentInsideArrays: false)
}

/// One value a path reached, with the array positions MongoDB records for the positional `$` operator.
struct PathHit<Value> {
    /// The value, or `nil` where the path is absent.
    var value: Value?
    /// The index in the outermost array the walk iterated to reach this value, if any.
    var outerPosition: Int?
    /// For an element of a leaf array: its index in that array.
    var elementIndex: Int?
    /// Whether the value is an empty leaf array reported by `.elementsOrEmptyArray`.
    var isEmptyLeafArray = false

    /// The position MongoDB records (its `elemMatchKey`): the outermost iterated array's index.
    var position: Int? { outerPosition ?? elementIndex }
}

/// Receives the values a path reaches.
protocol PathVisitor {
    associatedtype Value
    /// Takes one value; returns `true` to stop the walk.
    mutating func visit(_ hit: PathHit<Value>) -> Bool
}

/// The path walker.
enum PathValues {
    /// Calls `visitor` with each value `path` reaches from the document `root`, until it returns `true`.
    ///
    /// - Returns: whether the visitor stopped the walk.
    @inline(__always)
    static func walk<A: PathAccessor, V: PathVisitor>(
        _ path: [FieldPath.Component],
        from root: A.Value,
        _ accessor: A,
        _ semantics: PathSemantics,
        _ visitor: inout V
    ) -> Bool where V.Value == A.Value {
        step(root, 0, outer: nil, path, accessor, semantics, &visitor)
    }

    /// Applies component `k` (and the rest) to `value`, a document or array reached by components `..<k`.
    private static func step<A: PathAccessor, V: PathVisitor>(
        _ value: A.Value, _ k: Int, outer: Int?,
        _ path: [FieldPath.Component], _ accessor: A, _ semantics: PathSemantics, _ visitor: inout V
    ) -> Bool where V.Value == A.Value {
        // Follow documents until the path ends, a field is missing, or an array or a scalar is met.
        var current = value
        var k = k
        while k < path.count {
            switch accessor.kind(current) {
            case .document:
                guard let child = accessor.field(path[k], of: current) else {
                    return semantics.reportsAbsent && visitor.visit(PathHit(value: nil, outerPosition: outer))
                }
                current = child
                k += 1
            case .array:
                return arrayStep(current, k, outer: outer, path, accessor, semantics, &visitor)
            case .other:
                return semantics.reportsAbsent && visitor.visit(PathHit(value: nil, outerPosition: outer))
            }
        }
        return leaf(current, outer: outer, accessor, semantics, &visitor)
    }

    /// The value at the end of the path.
    private static func leaf<A: PathAccessor, V: PathVisitor>(
        _ value: A.Value, outer: Int?, _ accessor: A, _ semantics: PathSemantics, _ visitor: inout V
    ) -> Bool where V.Value == A.Value {
        guard accessor.kind(value) == .array else { return visitor.visit(PathHit(value: value, outerPosition: outer)) }
        switch semantics.leafArrays {
        case .arrayOnly:
            return visitor.visit(PathHit(value: value, outerPosition: outer))
        case .elementsThenArray:
            let stopped = accessor.forEachElement(of: value) { i, element in
                visitor.visit(PathHit(value: element, outerPosition: outer, elementIndex: i))
            }
            return stopped || visitor.visit(PathHit(value: value, outerPosition: outer))
        case .elements:
            return accessor.forEachElement(of: value) { _, element in
                visitor.visit(PathHit(value: element, outerPosition: outer))
            }
        case .elementsOrEmptyArray:
            var any = false
            let stopped = accessor.forEachElement(of: value) { _, element in
                any = true
                return visitor.visit(PathHit(value: element, outerPosition: outer))
            }
            return stopped
                || (!any && visitor.visit(PathHit(value: value, outerPosition: outer, isEmptyLeafArray: true)))
        }
    }

    /// Component `k` applied to an array met in the middle of the path.
    private static func arrayStep<A: PathAccessor, V: PathVisitor>(
        _ array: A.Value, _ k: Int, outer: Int?,
        _ path: [FieldPath.Component], _ accessor: A, _ semantics: PathSemantics, _ visitor: inout V
    ) -> Bool where V.Value == A.Value {
        let component = path[k]
        if semantics.positionalOnly, let index = component.arrayIndex {
            var selected: A.Value?
            _ = accessor.forEachElement(of: array) { i, element in
                if i == index { selected = element }
                return i >= index
            }
            guard let selected else {
                return semantics.reportsAbsentInsideArrays
                    && visitor.visit(PathHit(value: nil, outerPosition: outer))
            }
            return positional(selected, k, outer: outer, path, accessor, semantics, &visitor)
        }
        var reachedDocument = false
        let stopped = accessor.forEachElement(of: array) { i, element in
            if accessor.kind(element) == .document {
                reachedDocument = true
                if step(element, k, outer: outer ?? i, path, accessor, semantics, &visitor) { return true }
            }
            return component.arrayIndex == i
                && positional(element, k, outer: outer, path, accessor, semantics, &visitor)
        }
        if stopped { return true }
        return !reachedDocument && component.arrayIndex == nil && semantics.reportsAbsentInsideArrays
            && visitor.visit(PathHit(value: nil, outerPosition: outer))
    }

    /// The element selected by numeric component `k`, continuing after it.
    private static func positional<A: PathAccessor, V: PathVisitor>(
        _ element: A.Value, _ k: Int, outer: Int?,
        _ path: [FieldPath.Component], _ accessor: A, _ semantics: PathSemantics, _ visitor: inout V
    ) -> Bool where V.Value == A.Value {
        if k + 1 == path.count {
            return semantics.positionalLeafExpands
                ? leaf(element, outer: outer, accessor, semantics, &visitor)
                : visitor.visit(PathHit(value: element, outerPosition: outer))
        }
        if accessor.kind(element) == .other {
            return semantics.reportsAbsentInsideArrays && visitor.visit(PathHit(value: nil, outerPosition: outer))
        }
        return step(element, k + 1, outer: outer, path, accessor, semantics, &visitor)
    }
}

// MARK: - Expression field paths

/// A ``PathAccessor`` that can also decode the value it reaches (expression field paths return values).
protocol DecodingPathAccessor: PathAccessor {
    /// The value, decoded; `nil` for damaged bytes.
    func decode(_ value: Value) -> BSONValue?
}

extension PathValues {
    /// The value an aggregation field path reaches from `value` (MongoDB's `ExpressionFieldPath::evaluatePath`),
    /// or `nil` for missing. A document is searched by field name; an array maps the path over its document
    /// elements; any other value reaches nothing.
    static func expressionValue<A: DecodingPathAccessor>(
        _ path: [FieldPath.Component], in value: A.Value, _ accessor: A
    ) -> BSONValue? {
        guard !path.isEmpty else { return accessor.decode(value) }
        switch accessor.kind(value) {
        case .document: return expressionStep(path, 0, value, accessor)
        case .array: return expressionArray(path, 0, value, accessor)
        case .other: return nil
        }
    }

    /// Component `k` (and the rest) looked up in a document.
    private static func expressionStep<A: DecodingPathAccessor>(
        _ path: [FieldPath.Component], _ k: Int, _ document: A.Value, _ accessor: A
    ) -> BSONValue? {
        guard let child = accessor.field(path[k], of: document) else { return nil }
        if k == path.count - 1 { return accessor.decode(child) }
        switch accessor.kind(child) {
        case .document: return expressionStep(path, k + 1, child, accessor)
        case .array: return expressionArray(path, k + 1, child, accessor)
        case .other: return nil
        }
    }

    /// Component `k` (and the rest) mapped over the document elements of an array.
    private static func expressionArray<A: DecodingPathAccessor>(
        _ path: [FieldPath.Component], _ k: Int, _ array: A.Value, _ accessor: A
    ) -> BSONValue {
        var values: [BSONValue] = []
        _ = accessor.forEachElement(of: array) { _, element in
            if accessor.kind(element) == .document, let value = expressionStep(path, k, element, accessor) {
                values.append(value)
            }
            return false
        }
        return .array(values)
    }
}

// MARK: - Accessors

/// Paths over one encoded document: values are element positions in `buffer`, decoded only by the consumer.
struct RawPathAccessor: DecodingPathAccessor {
    let buffer: UnsafeRawBufferPointer

    /// The element standing for the whole document at `offset`.
    static func root(at offset: Int = 0) -> RawElement {
        RawElement(type: .document, valueOffset: offset, valueLength: 0)
    }

    @inline(__always)
    func kind(_ value: RawElement) -> PathValueKind {
        switch value.type {
        case .document: .document
        case .array: .array
        default: .other
        }
    }

    @inline(__always)
    func field(_ component: FieldPath.Component, of document: RawElement) -> RawElement? {
        component.utf8.withUnsafeBytes { RawElementFinder.find($0, inDocumentAt: document.valueOffset, of: buffer) }
    }

    func decode(_ value: RawElement) -> BSONValue? {
        if value.valueLength == 0 && value.type == .document {
            // The root stands for the whole buffer.
            return (try? BSONDocument(bsonBytes: Array(buffer))).map(BSONValue.document)
        }
        return RawElementFinder.decode(value, in: buffer)
    }

    @inline(__always)
    func forEachElement(of array: RawElement, _ body: (Int, RawElement) -> Bool) -> Bool {
        var cursor = RawElementCursor(buffer: buffer, documentOffset: array.valueOffset)
        var i = 0
        while let element = cursor.nextElement() {
            if body(i, element) { return true }
            i += 1
        }
        return false
    }
}

/// Paths over in-memory values.
struct ValuePathAccessor: DecodingPathAccessor {
    @inline(__always)
    func decode(_ value: BSONValue) -> BSONValue? { value }

    @inline(__always)
    func kind(_ value: BSONValue) -> PathValueKind {
        switch value {
        case .document: .document
        case .array: .array
        default: .other
        }
    }

    @inline(__always)
    func field(_ component: FieldPath.Component, of document: BSONValue) -> BSONValue? {
        guard case .document(let d) = document else { return nil }
        return d[component.name]
    }

    @inline(__always)
    func forEachElement(of array: BSONValue, _ body: (Int, BSONValue) -> Bool) -> Bool {
        guard case .array(let elements) = array else { return false }
        for (i, element) in elements.enumerated() where body(i, element) { return true }
        return false
    }
}
