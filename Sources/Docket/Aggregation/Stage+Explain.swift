import DocketBSON

// Explain shows the pipeline after the optimizer, as MongoDB's explain does: each compiled stage is written back as a
// stage document (`Stage.explainDocuments`). Stages that keep their parsed arguments (`$match`, `$sort`, `$limit`,
// `$skip`, `$unwind`, exclusion `$project`, `$sample`, `$out`, `$merge`) are rebuilt from them, so the optimizer's
// rewrites show (merged `$match`es as `{$and: [...]}`, a `$sort` that keeps a top-k as `{$sort: {sortKey, limit}}`,
// added-up `$skip`s); stages made of expressions (`$group`, `$addFields`, computed `$project`, `$lookup`, …) show
// their specification as written, kept when they were parsed. `$count`, `$sortByCount` and `$bucket` show as the
// stages they desugar into, as in MongoDB. The internal `.narrow` stage is not a stage of its own: it shows as the
// `PROJECTION_SIMPLE` of the `$cursor`'s plan (MongoDB's projection pushdown) when it comes first, and not at all
// otherwise.

extension Stage {
    /// The stage as MongoDB's explain shows it: usually one stage document; `$count` shows as `$group` + `$project`;
    /// none for `.narrow`.
    /// - Parameter database: the pipeline's database, which `$out` and `$merge` name in full.
    func explainDocuments(database: String) -> [BSONDocument] {
        switch self {
        case .match(_, let filter, let expr):
            var shown = filter
            if let expr { shown.append("$expr", expr.source ?? .null) }
            return [["$match": .document(shown)]]
        case .sort(let spec, let bound):
            var sort: BSONDocument = ["sortKey": .document(spec.explainDocument)]
            if let bound { sort.append("limit", .int64(Int64(bound))) }
            return [["$sort": .document(sort)]]
        case .limit(let n):
            return [["$limit": .int64(Int64(n))]]
        case .skip(let n):
            return [["$skip": .int64(Int64(n))]]
        case .unwind(let spec):
            var unwind: BSONDocument = ["path": .string("$" + spec.path.joined(separator: "."))]
            if let indexField = spec.indexField {
                unwind.append("includeArrayIndex", .string(indexField.joined(separator: ".")))
            }
            if spec.preservesNullAndEmptyArrays { unwind.append("preserveNullAndEmptyArrays", true) }
            return [["$unwind": .document(unwind)]]
        case .count(let field):
            return [
                ["$group": ["_id": ["$const": .null], field: ["$sum": ["$const": 1]]]],
                ["$project": [field: true, "_id": false]],
            ]
        case .project(_, let spec):
            return [["$project": .document(spec)]]
        case .sample(let size):
            return [["$sample": ["size": .int64(Int64(size))]]]
        case .documents(let expression):
            return [["$documents": expression.source ?? .null]]
        case .group(let spec):
            return [["$group": .document(spec.source)]]
        case .addFields(let fields):
            return [["$addFields": .document(fields.source ?? [:])]]
        case .computedProject(_, let fields):
            return [["$project": .document(fields.source ?? [:])]]
        case .replaceRoot(let expression):
            return [["$replaceRoot": ["newRoot": expression.source ?? .null]]]
        case .lookup(let spec):
            // A coalesced `$unwind` shows inside, as MongoDB's `unwinding`.
            guard let unwind = spec.unwinding, case .document(var lookup) = spec.source else {
                return [["$lookup": spec.source]]
            }
            var unwinding: BSONDocument = ["preserveNullAndEmptyArrays": .bool(unwind.preservesNullAndEmptyArrays)]
            if let indexField = unwind.indexField {
                unwinding.append("includeArrayIndex", .string(indexField.joined(separator: ".")))
            }
            lookup.append("unwinding", .document(unwinding))
            return [["$lookup": .document(lookup)]]
        case .unionWith(let collection, let stages):
            var union = BSONDocument()
            if let collection { union.append("coll", .string(collection)) }
            union.append("pipeline", .array(Self.explainArray(stages, database: database)))
            return [["$unionWith": .document(union)]]
        case .facet(let facets):
            var shown = BSONDocument()
            for facet in facets {
                shown.append(facet.name, .array(Self.explainArray(facet.stages, database: database)))
            }
            return [["$facet": .document(shown)]]
        case .out(let target, let collection):
            return [["$out": ["db": .string(target ?? database), "coll": .string(collection)]]]
        case .merge(let spec):
            return [["$merge": .document(spec.explainDocument(database: database))]]
        case .graphLookup(let spec):
            return [["$graphLookup": spec.source]]
        case .bucketAuto(let spec):
            return [["$bucketAuto": .document(spec.source)]]
        case .setWindowFields(let spec):
            return [["$setWindowFields": spec.source]]
        case .densify(let spec):
            return [["$densify": spec.source]]
        case .redact(let expression):
            return [["$redact": expression.source ?? .null]]
        case .narrow:
            return []
        }
    }

    /// Stages as an explain array of stage documents.
    static func explainArray(_ stages: [Stage], database: String) -> [BSONValue] {
        stages.flatMap { $0.explainDocuments(database: database) }.map(BSONValue.document)
    }
}

extension SortSpec {
    /// The specification as a sort document (`{path: 1 | -1}`), as explain shows it.
    var explainDocument: BSONDocument {
        var document = BSONDocument(minimumCapacity: keys.count)
        for key in keys {
            document.append(key.path.map(\.name).joined(separator: "."), .int32(key.ascending ? 1 : -1))
        }
        return document
    }
}
