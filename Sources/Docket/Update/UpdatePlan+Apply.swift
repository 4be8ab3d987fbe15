// The walk of a compiled update over one document (MongoDB's `UpdateObjectNode::apply` and friends).
//
// Values are taken out of their container before they are changed (the container keeps a `null` placeholder) so
// that nested documents and arrays are uniquely referenced and change in place instead of being copied.

extension UpdatePlan {
    /// Applies an object node's children to a document.
    func applyChildren(_ node: UpdateObjectNode, to document: inout BSONDocument, context: inout UpdateApplyContext)
        throws(DocketError) -> Bool
    {
        var changed = false
        if node.positional == nil {
            for child in node.children where try applyChild(child.name, child.node, to: &document, context: &context) {
                changed = true
            }
        } else {
            for child in try childrenWithPositional(node, context: context)
            where try applyChild(child.name, child.node, to: &document, context: &context) {
                changed = true
            }
        }
        return changed
    }

    private func applyChild(
        _ name: String,
        _ node: UpdateNode,
        to document: inout BSONDocument,
        context: inout UpdateApplyContext
    ) throws(DocketError) -> Bool {
        context.push(name, inArray: false)
        defer { context.pop() }
        if let i = document.index(forKey: name) {
            if case .leaf(.set(let newValue)) = node {
                // The common case: replace a value, no need to take it out first.
                if document[i].value.isIdentical(to: newValue) { return false }
                try context.checkImmutable()
                document[i].value = newValue
                return true
            }
            var value = document[i].value
            document[i].value = .null
            let outcome: LeafOutcome
            do {
                outcome = try applyNode(node, to: &value, context: &context)
            } catch {
                document[i].value = value
                throw error
            }
            switch outcome {
            case .unchanged:
                document[i].value = value
                return false
            case .changed:
                document[i].value = value
                return true
            case .remove:
                document.remove(at: i)
                return true
            }
        }
        guard let created = try createNode(node, viability: .viable, context: &context) else { return false }
        document.append(name, created)
        if context.isImmutablePath && context.path.count > 1 {
            throw creationInsideIDError(.document(document), context: context)
        }
        return true
    }

    /// Applies an object node's children to an array: numeric names select (or create, padding with `null`)
    /// elements; other names cannot be created.
    func applyChildren(_ node: UpdateObjectNode, to array: inout [BSONValue], context: inout UpdateApplyContext)
        throws(DocketError) -> Bool
    {
        var changed = false
        let children = node.positional == nil ? node.children : try childrenWithPositional(node, context: context)
        for child in children {
            guard let index = UpdatePath.arrayIndex(child.name) else {
                let start = context.path.count
                context.push(child.name, inArray: false)
                defer { context.pop() }
                let viability = UpdateViability.notViable(createStart: start, element: .array(array))
                _ = try createNode(child.node, viability: viability, context: &context)
                continue
            }
            context.push(child.name, inArray: true)
            defer { context.pop() }
            if index < array.count {
                if try applyNode(child.node, toElement: index, of: &array, context: &context) { changed = true }
            } else {
                guard let created = try createNode(child.node, viability: .viable, context: &context) else { continue }
                let padding = index - array.count
                guard padding <= 1_500_000 else {
                    throw DocketError(.cannotBackfillArray, "can't backfill more than 1500000 elements")
                }
                array.append(contentsOf: repeatElement(.null, count: padding))
                array.append(created)
                changed = true
                if context.isImmutablePath && context.path.count > 1 {
                    throw creationInsideIDError(.array(array), context: context)
                }
            }
        }
        return changed
    }

    /// Applies `node` to the element at `index`, moving it out of the array while it changes (so the array's
    /// storage is not copied) and putting it back, or `null` when the node removes it; returns whether it changed.
    /// On a throw the element is restored unchanged.
    func applyNode(
        _ node: UpdateNode,
        toElement index: Int,
        of array: inout [BSONValue],
        context: inout UpdateApplyContext
    ) throws(DocketError) -> Bool {
        var value = array[index]
        array[index] = .null
        let outcome: LeafOutcome
        do {
            outcome = try applyNode(node, to: &value, context: &context)
        } catch {
            array[index] = value
            throw error
        }
        switch outcome {
        case .unchanged:
            array[index] = value
            return false
        case .changed:
            array[index] = value
            return true
        case .remove:
            array[index] = .null
            return true
        }
    }

    /// Applies a node to an existing value.
    func applyNode(_ node: UpdateNode, to value: inout BSONValue, context: inout UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        switch node {
        case .leaf(let operation):
            return try applyLeaf(operation, to: &value, context: &context)
        case .object(let object):
            switch value {
            case .document(var document):
                value = .null
                let changed: Bool
                do {
                    changed = try applyChildren(object, to: &document, context: &context)
                } catch {
                    value = .document(document)
                    throw error
                }
                value = .document(document)
                return changed ? .changed : .unchanged
            case .array(var array):
                value = .null
                let changed: Bool
                do {
                    changed = try applyChildren(object, to: &array, context: &context)
                } catch {
                    value = .array(array)
                    throw error
                }
                value = .array(array)
                return changed ? .changed : .unchanged
            default:
                // A scalar: its children do not exist and cannot be created.
                let viability = UpdateViability.notViable(createStart: context.path.count, element: value)
                let children =
                    object.positional == nil ? object.children : try childrenWithPositional(object, context: context)
                for child in children {
                    context.push(child.name, inArray: false)
                    defer { context.pop() }
                    _ = try createNode(child.node, viability: viability, context: &context)
                }
                return .unchanged
            }
        case .array(let arrayNode):
            guard case .array(var array) = value else {
                throw DocketError(
                    .badValue,
                    "Cannot apply array updates to non-array element "
                        + BSONPrinter.updateMessage.element(context.path.last ?? "", value),
                    fieldPath: context.pathText
                )
            }
            value = .null
            let changed: Bool
            do {
                changed = try applyArrayNode(arrayNode, to: &array, context: &context)
            } catch {
                value = .array(array)
                throw error
            }
            value = .array(array)
            return changed ? .changed : .unchanged
        }
    }

    /// Applies `$[]` and `$[<identifier>]` children to the elements they select. Filters are evaluated on the
    /// original elements; several children selecting one element are merged (a conflict is an error).
    private func applyArrayNode(_ node: UpdateArrayNode, to array: inout [BSONValue], context: inout UpdateApplyContext)
        throws(DocketError) -> Bool
    {
        var selected: [(index: Int, node: UpdateNode)] = []
        for index in array.indices {
            var match: UpdateNode?
            for child in node.children {
                if let filter = child.filter, !arrayFilters[filter].matches(array[index]) { continue }
                if let current = match {
                    match = try UpdateNode.merge(current, child.node, path: context.path + [String(index)])
                } else {
                    match = child.node
                }
            }
            if let match { selected.append((index, match)) }
        }
        var changed = false
        for (index, child) in selected {
            context.push(String(index), inArray: true)
            defer { context.pop() }
            if try applyNode(child, toElement: index, of: &array, context: &context) { changed = true }
        }
        return changed
    }

    /// Builds the value a missing path receives, or `nil` when nothing is created.
    func createNode(_ node: UpdateNode, viability: UpdateViability, context: inout UpdateApplyContext)
        throws(DocketError) -> BSONValue?
    {
        switch node {
        case .leaf(let operation):
            return try createLeaf(operation, viability: viability, context: &context)
        case .object(let object):
            var document = BSONDocument()
            let children =
                object.positional == nil ? object.children : try childrenWithPositional(object, context: context)
            for child in children {
                context.push(child.name, inArray: false)
                defer { context.pop() }
                if let value = try createNode(child.node, viability: viability, context: &context) {
                    document.append(child.name, value)
                }
            }
            return document.isEmpty ? nil : .document(document)
        case .array:
            throw DocketError(
                .badValue,
                "The path '\(context.pathText)' must exist in the document in order to apply array updates.",
                fieldPath: context.pathText
            )
        }
    }

    /// Applies an operation to an existing value.
    func applyLeaf(_ operation: UpdateOperation, to value: inout BSONValue, context: inout UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        switch operation {
        case .set(let newValue):
            return try SetOperator.apply(newValue, to: &value, context: context)
        case .setOnInsert(let newValue):
            guard context.isInsert else { return .unchanged }
            return try SetOperator.apply(newValue, to: &value, context: context)
        case .unset:
            return try UnsetOperator.apply(context: context)
        case .inc(let operand):
            return try ArithmeticOperator.apply(.add, operand, to: &value, context: context)
        case .mul(let operand):
            return try ArithmeticOperator.apply(.multiply, operand, to: &value, context: context)
        case .min(let operand):
            return try CompareOperator.apply(isMax: false, operand, to: &value, context: context)
        case .max(let operand):
            return try CompareOperator.apply(isMax: true, operand, to: &value, context: context)
        case .currentDate(let isTimestamp):
            try context.checkImmutable()
            value = CurrentDateOperator.value(isTimestamp: isTimestamp, context: &context)
            return .changed
        case .push(let spec):
            return try PushOperator.apply(spec, to: &value, context: context)
        case .addToSet(let items):
            return try AddToSetOperator.apply(items, to: &value, context: context)
        case .pop(let fromFront):
            return try PopOperator.apply(fromFront: fromFront, to: &value, context: context)
        case .pull(let condition):
            return try PullOperator.apply(condition, to: &value, context: context)
        case .pullAll(let values):
            return try PullAllOperator.apply(values, to: &value, context: context)
        case .bit(let operations):
            return try BitOperator.apply(operations, to: &value, context: context)
        case .renameSource:
            return .unchanged
        case .renameTarget(let sourceIndex):
            guard let source = context.renameValues[sourceIndex] else { return .unchanged }
            return try RenameOperator.applyTarget(source, to: &value, context: context)
        }
    }

    /// The value an operation creates at a missing path, or `nil`.
    private func createLeaf(_ operation: UpdateOperation, viability: UpdateViability, context: inout UpdateApplyContext)
        throws(DocketError) -> BSONValue?
    {
        switch operation {
        case .setOnInsert where !context.isInsert:
            return nil
        case .renameTarget(let sourceIndex):
            guard context.renameValues[sourceIndex] != nil else { return nil }
            try RenameOperator.checkTarget(context: context)
        default:
            break
        }
        guard operation.createsPath else {
            if operation.requiresViablePath, let error = viability.traversalError(context) { throw error }
            return nil
        }
        if let error = viability.creationError(context) { throw error }
        switch operation {
        case .set(let value), .setOnInsert(let value), .min(let value), .max(let value):
            return value
        case .inc(let operand):
            return try ArithmeticOperator.create(.add, operand)
        case .mul(let operand):
            return try ArithmeticOperator.create(.multiply, operand)
        case .currentDate(let isTimestamp):
            return CurrentDateOperator.value(isTimestamp: isTimestamp, context: &context)
        case .push(let spec):
            return PushOperator.create(spec)
        case .addToSet(let items):
            return .array(items)
        case .bit(let operations):
            return BitOperation.apply(operations, to: .int32(0))
        case .renameTarget(let sourceIndex):
            return context.renameValues[sourceIndex]
        case .unset, .pop, .pull, .pullAll, .renameSource:
            return nil
        }
    }

    /// The children of an object node with the positional `$` child placed (and merged) under the name of the
    /// query's matched array position.
    private func childrenWithPositional(_ node: UpdateObjectNode, context: UpdateApplyContext)
        throws(DocketError) -> [UpdateChild]
    {
        guard let positional = node.positional else { return node.children }
        guard let position = context.arrayPosition else {
            throw DocketError(.badValue, "The positional operator did not find the match needed from the query.")
        }
        let name = String(position)
        var children = node.children
        if let k = node.child(named: name) {
            children[k].node = try UpdateNode.merge(positional, children[k].node, path: context.path + [name])
        } else {
            var object = UpdateObjectNode(children: children)
            object.insert(UpdateChild(name: name, node: positional))
            children = object.children
        }
        return children
    }

    /// MongoDB's error for a field created inside an existing `_id`.
    private func creationInsideIDError(_ parent: BSONValue, context: UpdateApplyContext) -> DocketError {
        let parentPath = context.path.dropLast().joined(separator: ".")
        let parentName = context.path[context.path.count - 2]
        return DocketError(
            .immutableField,
            "Updating the path '\(parentPath)' to \(BSONPrinter.updateMessage.element(parentName, parent)) would modify the immutable "
                + "field '_id'",
            fieldPath: context.pathText
        )
    }
}
