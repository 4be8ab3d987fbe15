#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The clock of one update: `$currentDate` reads the time once per document.
struct UpdateClock {
    private var cachedMilliseconds: Int64?
    private var increment: UInt32 = 0

    /// Milliseconds since the Unix epoch.
    var milliseconds: Int64 {
        mutating get {
            if let cachedMilliseconds { return cachedMilliseconds }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let ms = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
            cachedMilliseconds = ms
            return ms
        }
    }

    /// A timestamp for this second; each call within one update takes the next increment.
    mutating func nextTimestamp() -> BSONTimestamp {
        increment += 1
        return BSONTimestamp(timestamp: UInt32(truncatingIfNeeded: milliseconds / 1000), increment: increment)
    }
}

/// Where an update stands while it walks a document: the path to the current element and what the
/// operators need to know about the document.
struct UpdateApplyContext {
    /// The path from the root to the current element (existing or about to be created).
    var path: [String] = []
    /// For each component of ``path``: whether it indexes an array.
    var inArray: [Bool] = []
    /// The array position the query matched, for `$`.
    let arrayPosition: Int?
    /// Whether this is the insert of an upsert (`$setOnInsert` applies).
    let isInsert: Bool
    /// The document's `_id`, for messages.
    let id: BSONValue?
    /// Whether `_id` may not change (always, except when an upsert starts without one).
    let idIsImmutable: Bool
    /// The `$rename` sources, read before the walk.
    var renameValues: [BSONValue?] = []
    var clock = UpdateClock()

    init(arrayPosition: Int?, isInsert: Bool, id: BSONValue?) {
        self.arrayPosition = arrayPosition
        self.isInsert = isInsert
        self.id = id
        idIsImmutable = !isInsert || id != nil
        path.reserveCapacity(8)
        inArray.reserveCapacity(8)
    }

    /// The current path, dotted.
    var pathText: String { path.joined(separator: ".") }

    mutating func push(_ name: String, inArray isArrayElement: Bool) {
        path.append(name)
        inArray.append(isArrayElement)
    }

    mutating func pop() {
        path.removeLast()
        inArray.removeLast()
    }

    /// Whether the current path is `_id` or inside it, and `_id` is immutable.
    var isImmutablePath: Bool {
        idIsImmutable && !path.isEmpty && bsonUTF8Equal(path[0], "_id")
    }

    /// Throws MongoDB's `ImmutableField` (66) error when the current path is `_id` or inside it.
    func checkImmutable() throws(DocketError) {
        if isImmutablePath { throw Self.immutableFieldError(pathText) }
    }

    static func immutableFieldError(_ path: String) -> DocketError {
        DocketError(
            .immutableField,
            "Performing an update on the path '\(path)' would modify the immutable field '_id'",
            fieldPath: path
        )
    }
}

/// Whether a missing path could be created, and if not, where it stops.
enum UpdateViability {
    case viable
    /// The path goes through `element` (a scalar, or an array reached with a field name); the missing part
    /// starts at `createStart` in the context's path.
    case notViable(createStart: Int, element: BSONValue)

    /// MongoDB's `createPathAt` error: `Cannot create field 'b' in element {a: 1}` (code 28).
    func creationError(_ context: UpdateApplyContext) -> DocketError? {
        guard case .notViable(let start, let element) = self else { return nil }
        let name = start > 0 ? context.path[start - 1] : ""
        return DocketError(
            .pathNotViable,
            "Cannot create field '\(context.path[start])' in element {\(BSONPrinter.updateMessage.element(name, element))}",
            fieldPath: context.pathText
        )
    }

    /// MongoDB's `checkViability` error for `$pop`, `$pull`, `$pullAll` (code 28).
    func traversalError(_ context: UpdateApplyContext) -> DocketError? {
        guard case .notViable(let start, let element) = self else { return nil }
        let name = start > 0 ? context.path[start - 1] : ""
        return DocketError(
            .pathNotViable,
            "Cannot use the part (\(context.path[start])) of (\(context.pathText)) to traverse the element "
                + "({\(BSONPrinter.updateMessage.element(name, element))})",
            fieldPath: context.pathText
        )
    }
}
