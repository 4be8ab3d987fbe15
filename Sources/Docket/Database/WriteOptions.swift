/// Options of ``DocumentCollection/updateOne(_:_:options:)`` and ``DocumentCollection/updateMany(_:_:options:)``.
public struct UpdateOptions: Sendable {
    /// Insert a document when nothing matches: the filter's equality predicates, then the update applied with
    /// `$setOnInsert`.
    public var upsert: Bool
    /// The filters of `$[<identifier>]` positional operators.
    public var arrayFilters: [Document]
    /// For `updateOne` only (MongoDB 8.0): update the first match in this order.
    public var sort: Document?

    /// Creates update options.
    public init(upsert: Bool = false, arrayFilters: [Document] = [], sort: Document? = nil) {
        self.upsert = upsert
        self.arrayFilters = arrayFilters
        self.sort = sort
    }
}

/// Options of ``DocumentCollection/replaceOne(_:_:options:)``.
public struct ReplaceOptions: Sendable {
    /// Insert the replacement (with the filter's `_id` when it has one) when nothing matches.
    public var upsert: Bool
    /// Replace the first match in this order (MongoDB 8.0).
    public var sort: Document?

    /// Creates replace options.
    public init(upsert: Bool = false, sort: Document? = nil) {
        self.upsert = upsert
        self.sort = sort
    }
}

/// Which version of the document a `findOneAndUpdate`/`findOneAndReplace` returns.
public enum ReturnDocument: Sendable, Hashable {
    /// The document as it was before the write (`nil` after an upsert that inserted).
    case before
    /// The document as the write left it.
    case after
}

/// Options of ``DocumentCollection/findOneAndUpdate(_:_:options:)``.
public struct FindOneAndUpdateOptions: Sendable {
    /// The version to return.
    public var returnDocument: ReturnDocument
    /// Which match to update when several do.
    public var sort: Document?
    /// The fields of the returned document.
    public var projection: Document?
    /// Insert when nothing matches.
    public var upsert: Bool
    /// The filters of `$[<identifier>]` positional operators.
    public var arrayFilters: [Document]

    /// Creates options.
    public init(
        returnDocument: ReturnDocument = .before,
        sort: Document? = nil,
        projection: Document? = nil,
        upsert: Bool = false,
        arrayFilters: [Document] = []
    ) {
        self.returnDocument = returnDocument
        self.sort = sort
        self.projection = projection
        self.upsert = upsert
        self.arrayFilters = arrayFilters
    }
}

/// Options of ``DocumentCollection/findOneAndReplace(_:_:options:)``.
public struct FindOneAndReplaceOptions: Sendable {
    /// The version to return.
    public var returnDocument: ReturnDocument
    /// Which match to replace when several do.
    public var sort: Document?
    /// The fields of the returned document.
    public var projection: Document?
    /// Insert when nothing matches.
    public var upsert: Bool

    /// Creates options.
    public init(
        returnDocument: ReturnDocument = .before,
        sort: Document? = nil,
        projection: Document? = nil,
        upsert: Bool = false
    ) {
        self.returnDocument = returnDocument
        self.sort = sort
        self.projection = projection
        self.upsert = upsert
    }
}

/// Options of ``DocumentCollection/findOneAndDelete(_:options:)``.
public struct FindOneAndDeleteOptions: Sendable {
    /// Which match to delete when several do.
    public var sort: Document?
    /// The fields of the returned document.
    public var projection: Document?

    /// Creates options.
    public init(sort: Document? = nil, projection: Document? = nil) {
        self.sort = sort
        self.projection = projection
    }
}
