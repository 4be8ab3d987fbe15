/// Options of ``DocketCollection/updateOne(_:_:options:)`` and ``DocketCollection/updateMany(_:_:options:)``.
public struct UpdateOptions: Sendable {
    /// Insert a document when nothing matches: the filter's equality predicates, then the update applied with
    /// `$setOnInsert`.
    public var upsert: Bool
    /// The filters of `$[<identifier>]` positional operators.
    public var arrayFilters: [BSONDocument]
    /// For `updateOne` only (MongoDB 8.0): update the first match in this order.
    public var sort: BSONDocument?
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates update options.
    public init(
        upsert: Bool = false, arrayFilters: [BSONDocument] = [], sort: BSONDocument? = nil, hint: BSONValue? = nil,
        `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
        self.upsert = upsert
        self.arrayFilters = arrayFilters
        self.sort = sort
    }
}

/// Options of ``DocketCollection/replaceOne(_:_:options:)``.
public struct ReplaceOptions: Sendable {
    /// Insert the replacement (with the filter's `_id` when it has one) when nothing matches.
    public var upsert: Bool
    /// Replace the first match in this order (MongoDB 8.0).
    public var sort: BSONDocument?
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates replace options.
    public init(
        upsert: Bool = false, sort: BSONDocument? = nil, hint: BSONValue? = nil, `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
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

/// Options of ``DocketCollection/findOneAndUpdate(_:_:options:)``.
public struct FindOneAndUpdateOptions: Sendable {
    /// The version to return.
    public var returnDocument: ReturnDocument
    /// Which match to update when several do.
    public var sort: BSONDocument?
    /// The fields of the returned document.
    public var projection: BSONDocument?
    /// Insert when nothing matches.
    public var upsert: Bool
    /// The filters of `$[<identifier>]` positional operators.
    public var arrayFilters: [BSONDocument]
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates options.
    public init(
        returnDocument: ReturnDocument = .before,
        sort: BSONDocument? = nil,
        projection: BSONDocument? = nil,
        upsert: Bool = false,
        arrayFilters: [BSONDocument] = [],
        hint: BSONValue? = nil,
        `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
        self.returnDocument = returnDocument
        self.sort = sort
        self.projection = projection
        self.upsert = upsert
        self.arrayFilters = arrayFilters
    }
}

/// Options of ``DocketCollection/findOneAndReplace(_:_:options:)``.
public struct FindOneAndReplaceOptions: Sendable {
    /// The version to return.
    public var returnDocument: ReturnDocument
    /// Which match to replace when several do.
    public var sort: BSONDocument?
    /// The fields of the returned document.
    public var projection: BSONDocument?
    /// Insert when nothing matches.
    public var upsert: Bool
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates options.
    public init(
        returnDocument: ReturnDocument = .before,
        sort: BSONDocument? = nil,
        projection: BSONDocument? = nil,
        upsert: Bool = false,
        hint: BSONValue? = nil,
        `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
        self.returnDocument = returnDocument
        self.sort = sort
        self.projection = projection
        self.upsert = upsert
    }
}

/// Options of ``DocketCollection/findOneAndDelete(_:options:)``.
public struct FindOneAndDeleteOptions: Sendable {
    /// Which match to delete when several do.
    public var sort: BSONDocument?
    /// The fields of the returned document.
    public var projection: BSONDocument?
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates options.
    public init(
        sort: BSONDocument? = nil, projection: BSONDocument? = nil, hint: BSONValue? = nil,
        `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
        self.sort = sort
        self.projection = projection
    }
}

/// Options of ``DocketCollection/deleteOne(_:options:)`` and ``DocketCollection/deleteMany(_:options:)``.
public struct DeleteOptions: Sendable {
    /// An index to use, by name or key pattern, or `["$natural": 1]` / `["$natural": -1]` for a collection scan.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` (and an update pipeline) read as `$$name`: each value is an expression
    /// evaluated once, before the operation runs.
    public var `let`: BSONDocument?

    /// Creates options.
    public init(hint: BSONValue? = nil, `let` variables: BSONDocument? = nil) {
        self.let = variables
        self.hint = hint
    }
}
