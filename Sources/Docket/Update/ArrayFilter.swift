/// One entry of an update's `arrayFilters`: an identifier (`elem` in `$[elem]`) and a condition on the array
/// elements, written over the identifier (`{"elem.role": "admin"}`, `{elem: {$gte: 5}}`).
struct ArrayFilter: Sendable {
    /// The identifier the condition is written over.
    let identifier: String
    let filter: UpdateElementFilter

    /// Whether an array element satisfies the filter: the filter is evaluated on `{<identifier>: element}`.
    func matches(_ element: BSONValue) -> Bool {
        filter.matches(BSONDocument(elements: [(key: identifier, value: element)]))
    }

    /// Parses `arrayFilters`, as MongoDB's `ParsedUpdate::parseArrayFilters` does.
    /// - Returns: the filters and, for each identifier, its index.
    /// - Throws: `FailedToParse` (9) for a filter without (or with several) top-level field names and for a
    ///   repeated identifier; `BadValue` (2) for an identifier that is not alphanumeric starting with a lowercase
    ///   letter, and for invalid conditions.
    static func parse(_ documents: [BSONDocument]) throws(DocketError) -> (filters: [ArrayFilter], index: [String: Int])
    {
        var filters: [ArrayFilter] = []
        var index: [String: Int] = [:]
        for document in documents {
            guard let identifier = try topLevelFieldName(document) else {
                throw DocketError(
                    .failedToParse,
                    "Cannot use an expression without a top-level field name in arrayFilters"
                )
            }
            guard isValidIdentifier(identifier) else {
                throw DocketError(
                    .badValue,
                    "Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric "
                        + "string beginning with a lowercase letter, found '\(identifier)'"
                )
            }
            let filter: UpdateElementFilter
            do {
                filter = try UpdateElementFilter(document)
            } catch {
                var wrapped = error
                wrapped.message = "Error parsing array filter :: caused by :: " + error.message
                throw wrapped
            }
            guard index[identifier] == nil else {
                throw DocketError(
                    .failedToParse,
                    "Found multiple array filters with the same top-level field name \(identifier)"
                )
            }
            index[identifier] = filters.count
            filters.append(ArrayFilter(identifier: identifier, filter: filter))
        }
        return (filters, index)
    }

    /// The one top-level field name of a filter (through `$and`, `$or`, `$nor`), or `nil` when it has none.
    private static func topLevelFieldName(_ document: BSONDocument) throws(DocketError) -> String? {
        var placeholder: String?
        for (key, value) in document {
            var name: String?
            if key.hasPrefix("$") {
                if ["$and", "$or", "$nor"].contains(key), case .array(let items) = value {
                    for case .document(let child) in items {
                        guard let childName = try topLevelFieldName(child) else { continue }
                        if let existing = name, !bsonUTF8Equal(existing, childName) {
                            throw multipleNames(existing, childName)
                        }
                        name = childName
                    }
                }
            } else {
                name = String(key.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0])
            }
            guard let name else { continue }
            if let existing = placeholder, !bsonUTF8Equal(existing, name) { throw multipleNames(existing, name) }
            placeholder = name
        }
        return placeholder
    }

    private static func multipleNames(_ a: String, _ b: String) -> DocketError {
        DocketError(
            .failedToParse,
            "Error parsing array filter :: caused by :: Expected a single top-level field name, found '\(a)' and '\(b)'"
        )
    }

    /// `^[a-z][a-zA-Z0-9]*$`.
    private static func isValidIdentifier(_ name: String) -> Bool {
        var bytes = name.utf8.makeIterator()
        guard let first = bytes.next(), first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") else { return false }
        while let b = bytes.next() {
            let isLetter =
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            let isDigit = b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")
            guard isLetter || isDigit else { return false }
        }
        return true
    }
}
