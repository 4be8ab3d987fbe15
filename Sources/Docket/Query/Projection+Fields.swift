import DocketBSON

/// The top-level fields a projection reads from a stored document: decoding only these and projecting the result
/// gives what projecting the whole document gives (the projection never looks at other fields).
enum ProjectionFields: Sendable {
    /// Only these top-level fields (an inclusion: its named fields, `_id` and the computed fields' sources).
    case only([[UInt8]])
    /// Every top-level field except these (an exclusion: the fields it removes whole).
    case allExcept([[UInt8]])

    /// Decodes the fields of a stored document the projection needs.
    func decode(_ raw: RawDocument) throws(BSONError) -> BSONDocument {
        switch self {
        case .only(let names): try raw.decodeFields { key in names.contains { $0.elementsEqual(key) } }
        case .allExcept(let names): try raw.decodeFields { key in !names.contains { $0.elementsEqual(key) } }
        }
    }
}

extension Projection {
    /// The top-level fields this projection reads.
    var neededFields: ProjectionFields {
        switch mode {
        case .inclusion:
            var names = root.entries.map { Array($0.name.utf8) }
            if !names.contains(where: { $0.elementsEqual("_id".utf8) }) { names.append(Array("_id".utf8)) }
            return .only(names)
        case .exclusion:
            return .allExcept(
                root.entries.compactMap { entry in
                    if case .exclude = entry.node { return Array(entry.name.utf8) }
                    return nil
                })
        }
    }
}
