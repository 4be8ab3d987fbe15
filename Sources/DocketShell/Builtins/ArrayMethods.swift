import Docket

/// `Array.prototype` methods.
enum ArrayMethods {
    static let names: Set<String> = [
        "push", "pop", "shift", "unshift", "slice", "splice", "concat", "join", "reverse", "indexOf", "lastIndexOf",
        "includes", "find", "findIndex", "findLast", "findLastIndex", "filter", "map", "forEach", "reduce",
        "reduceRight", "some", "every", "sort", "flat", "flatMap", "fill", "keys", "values", "entries", "at",
        "toString", "toSorted", "toReversed", "with",
    ]

    static func call(_ interpreter: Interpreter, _ array: JSArray, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        let count = array.elements.count
        func argument(_ i: Int) -> JSValue { interpreter.argument(arguments, i) }
        func callback() throws(ShellError) -> JSFunction { try interpreter.functionArgument(arguments, 0, name) }
        /// Calls `fn(element, index, array)` for each element while `body` says to go on.
        func each(_ fn: JSFunction, reverse: Bool = false, _ body: (JSValue, Int, JSValue) throws(ShellError) -> Bool)
            throws(ShellError)
        {
            let this = argument(1)
            var i = reverse ? array.elements.count - 1 : 0
            while reverse ? i >= 0 : i < array.elements.count {
                if i < array.elements.count {
                    let element = array.elements[i]
                    let result = try interpreter.call(fn, this: this, [element, .number(Double(i)), .array(array)])
                    if !(try body(element, i, result)) { return }
                }
                i += reverse ? -1 : 1
            }
        }
        switch name {
        case "push":
            try interpreter.checkArrayLength(count + arguments.count)
            array.elements.append(contentsOf: arguments)
            return .number(Double(array.elements.count))
        case "pop":
            return array.elements.popLast() ?? .undefined
        case "shift":
            return array.elements.isEmpty ? .undefined : array.elements.removeFirst()
        case "unshift":
            try interpreter.checkArrayLength(count + arguments.count)
            array.elements.insert(contentsOf: arguments, at: 0)
            return .number(Double(array.elements.count))
        case "slice":
            let start = try interpreter.relativeIndex(argument(0), length: count, default: 0)
            let end = try interpreter.relativeIndex(argument(1), length: count, default: count)
            return .array(JSArray(start < end ? Array(array.elements[start..<end]) : []))
        case "splice":
            let start = try interpreter.relativeIndex(argument(0), length: count, default: 0)
            var deleteCount = count - start
            if arguments.count >= 2 {
                deleteCount = Int(min(max(0, try integer(interpreter, argument(1))), Double(count - start)))
            } else if arguments.isEmpty {
                deleteCount = 0
            }
            let removed = Array(array.elements[start..<(start + deleteCount)])
            try interpreter.checkArrayLength(count - deleteCount + max(0, arguments.count - 2))
            array.elements.replaceSubrange(start..<(start + deleteCount), with: arguments.dropFirst(2))
            return .array(JSArray(removed))
        case "concat":
            var result = array.elements
            for value in arguments {
                if case .array(let other) = value {
                    result.append(contentsOf: other.elements)
                } else {
                    result.append(value)
                }
                try interpreter.checkArrayLength(result.count)
            }
            return .array(JSArray(result))
        case "join":
            let separator = argument(0).isUndefined ? "," : try interpreter.toString(argument(0))
            var parts: [String] = []
            var length = 0
            for element in array.elements {
                let part = element.isNullish ? "" : try interpreter.toString(element)
                length += part.utf8.count + separator.utf8.count
                try interpreter.checkStringLength(length)
                parts.append(part)
            }
            return .string(parts.joined(separator: separator))
        case "toString":
            return .string(try interpreter.toString(.array(array)))
        case "reverse":
            array.elements.reverse()
            return .array(array)
        case "toReversed":
            return .array(JSArray(array.elements.reversed()))
        case "indexOf", "lastIndexOf", "includes":
            let target = argument(0)
            let indices: [Int] =
                name == "lastIndexOf" ? Array(array.elements.indices.reversed()) : Array(array.elements.indices)
            let from = arguments.count > 1 ? try interpreter.relativeIndex(argument(1), length: count, default: 0) : 0
            for i in indices where name == "lastIndexOf" || i >= from {
                let element = array.elements[i]
                let isMatch =
                    name == "includes"
                    ? interpreter.sameValueZero(element, target) : interpreter.strictEquals(element, target)
                if isMatch { return name == "includes" ? .bool(true) : .number(Double(i)) }
            }
            return name == "includes" ? .bool(false) : .number(-1)
        case "find", "findIndex", "findLast", "findLastIndex":
            let fn = try callback()
            var found: (JSValue, Int)?
            try each(fn, reverse: name.hasPrefix("findLast")) { (element, i, result) throws(ShellError) -> Bool in
                if interpreter.toBoolean(result) {
                    found = (element, i)
                    return false
                }
                return true
            }
            if name.hasSuffix("Index") { return .number(Double(found?.1 ?? -1)) }
            return found?.0 ?? .undefined
        case "filter":
            let fn = try callback()
            var result: [JSValue] = []
            try each(fn) { (element, _, keep) throws(ShellError) -> Bool in
                if interpreter.toBoolean(keep) { result.append(element) }
                return true
            }
            return .array(JSArray(result))
        case "map":
            let fn = try callback()
            var result: [JSValue] = []
            result.reserveCapacity(count)
            try each(fn) { (_, _, mapped) throws(ShellError) -> Bool in
                result.append(mapped)
                return true
            }
            return .array(JSArray(result))
        case "forEach":
            try each(try callback()) { (_, _, _) throws(ShellError) -> Bool in true }
            return .undefined
        case "some", "every":
            let fn = try callback()
            var answer = name == "every"
            try each(fn) { (_, _, result) throws(ShellError) -> Bool in
                if interpreter.toBoolean(result) == (name == "some") {
                    answer = name == "some"
                    return false
                }
                return true
            }
            return .bool(answer)
        case "reduce", "reduceRight":
            let fn = try callback()
            let indices = name == "reduce" ? Array(0..<count) : Array((0..<count).reversed())
            var remaining = indices[...]
            var accumulator: JSValue
            if arguments.count >= 2 {
                accumulator = arguments[1]
            } else {
                guard let first = remaining.popFirst() else {
                    throw ShellError.type("Reduce of empty array with no initial value")
                }
                accumulator = array.elements[first]
            }
            for i in remaining where i < array.elements.count {
                accumulator = try interpreter.call(
                    fn, this: .undefined, [accumulator, array.elements[i], .number(Double(i)), .array(array)])
            }
            return accumulator
        case "sort", "toSorted":
            let comparator = argument(0)
            if !comparator.isUndefined, case .function = comparator {
            } else if !comparator.isUndefined {
                throw ShellError.type("The comparison function must be either a function or undefined")
            }
            let sorted = try sortValues(interpreter, array.elements, comparator: comparator)
            if name == "toSorted" { return .array(JSArray(sorted)) }
            array.elements = sorted
            return .array(array)
        case "flat":
            let depth = argument(0).isUndefined ? 1 : try integer(interpreter, argument(0))
            var result: [JSValue] = []
            try flatten(interpreter, array.elements, depth: depth, into: &result)
            return .array(JSArray(result))
        case "flatMap":
            let fn = try callback()
            var result: [JSValue] = []
            try each(fn) { (_, _, mapped) throws(ShellError) -> Bool in
                if case .array(let inner) = mapped {
                    result.append(contentsOf: inner.elements)
                } else {
                    result.append(mapped)
                }
                try interpreter.checkArrayLength(result.count)
                return true
            }
            return .array(JSArray(result))
        case "fill":
            let start = try interpreter.relativeIndex(argument(1), length: count, default: 0)
            let end = try interpreter.relativeIndex(argument(2), length: count, default: count)
            if start < end { for i in start..<end { array.elements[i] = argument(0) } }
            return .array(array)
        case "keys":
            return .array(JSArray((0..<count).map { .number(Double($0)) }))
        case "values":
            return .array(JSArray(array.elements))
        case "entries":
            return .array(JSArray(array.elements.enumerated().map { .array(JSArray([.number(Double($0)), $1])) }))
        case "at":
            var i = try integer(interpreter, argument(0))
            if i < 0 { i += Double(count) }
            return i >= 0 && i < Double(count) ? array.elements[Int(i)] : .undefined
        case "with":
            var i = try integer(interpreter, argument(0))
            if i < 0 { i += Double(count) }
            guard i >= 0 && i < Double(count) else {
                throw ShellError.range("Invalid index : \(JavaScriptText.number(i))")
            }
            var copy = array.elements
            copy[Int(i)] = argument(1)
            return .array(JSArray(copy))
        default:
            throw ShellError.type("\(name) is not a function")
        }
    }

    /// ToIntegerOrInfinity.
    static func integer(_ interpreter: Interpreter, _ value: JSValue) throws(ShellError) -> Double {
        let n = try interpreter.toNumber(value)
        return n.isNaN ? 0 : n.rounded(.towardZero)
    }

    private static func flatten(
        _ interpreter: Interpreter, _ elements: [JSValue], depth: Double,
        into result: inout [JSValue]
    ) throws(ShellError) {
        guard interpreter.stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
        for element in elements {
            if depth >= 1, case .array(let inner) = element {
                try flatten(interpreter, inner.elements, depth: depth - 1, into: &result)
            } else {
                result.append(element)
            }
            try interpreter.checkArrayLength(result.count)
        }
    }

    /// A stable merge sort with JavaScript's default order (`undefined` last, others by their string) or a
    /// comparator. An inconsistent comparator gives some order, never a crash.
    static func sortValues(_ interpreter: Interpreter, _ values: [JSValue], comparator: JSValue) throws(ShellError)
        -> [JSValue]
    {
        var keys: [String?] = []
        if comparator.isUndefined {
            keys.reserveCapacity(values.count)
            for value in values { keys.append(value.isUndefined ? nil : try interpreter.toString(value)) }
        }
        func precedes(_ a: Int, _ b: Int) throws(ShellError) -> Bool {
            if case .function(let fn) = comparator {
                try interpreter.tick()
                let result = try interpreter.toNumber(
                    try interpreter.call(fn, this: .undefined, [values[a], values[b]]))
                return result < 0
            }
            switch (keys[a], keys[b]) {
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): return x.utf16.lexicographicallyPrecedes(y.utf16)
            }
        }
        var order = Array(values.indices)
        var buffer = order
        var width = 1
        while width < order.count {
            var start = 0
            while start < order.count {
                let middle = min(start + width, order.count)
                let end = min(start + 2 * width, order.count)
                var i = start
                var j = middle
                var k = start
                while i < middle && j < end {
                    if try precedes(order[j], order[i]) {
                        buffer[k] = order[j]
                        j += 1
                    } else {
                        buffer[k] = order[i]
                        i += 1
                    }
                    k += 1
                }
                while i < middle {
                    buffer[k] = order[i]
                    i += 1
                    k += 1
                }
                while j < end {
                    buffer[k] = order[j]
                    j += 1
                    k += 1
                }
                start = end
            }
            swap(&order, &buffer)
            width *= 2
        }
        return order.map { values[$0] }
    }
}

extension Interpreter {
    /// `SameValueZero` (`includes`): NaN equals NaN.
    func sameValueZero(_ a: JSValue, _ b: JSValue) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, x.isNaN && y.isNaN { return true }
        return strictEquals(a, b)
    }
}
