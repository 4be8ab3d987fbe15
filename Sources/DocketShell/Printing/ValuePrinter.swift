import Docket

/// Turns the shell's JavaScript values into ``PrintNode`` trees, which DocketBSON's one printer lays out as mongosh
/// does: BSON wrappers in their mongosh forms, `[Function: f]`, `[Circular *1]` for cycles.
struct ValuePrinter {
    let interpreter: Interpreter

    /// The tree of a value.
    func node(_ value: JSValue) -> PrintNode {
        var state = State()
        return node(value, depth: 0, &state)
    }

    /// A value on one line without colours (error messages).
    func plainText(_ value: JSValue) -> String {
        BSONPrinter(.shell(.init(breakLength: Int.max))).render(node(value))
    }

    /// A value as `print()` writes it: strings as they are, everything else laid out.
    func printText(_ value: JSValue, colors: Bool) -> String {
        if case .string(let s) = value { return s }
        return BSONPrinter(.shell(.init(colors: colors))).render(node(value))
    }

    private struct State {
        var path: [ObjectIdentifier] = []
        var references: [ObjectIdentifier: Int] = [:]
    }

    private func node(_ value: JSValue, depth: Int, _ state: inout State) -> PrintNode {
        if depth > BSONPrinter.ShellOptions.maximumDepth || !interpreter.stack.hasRoom {
            if case .array = value { return .text(PrintText("[Array]", .special)) }
            return .text(PrintText("[Object]", .special))
        }
        switch value {
        case .undefined: return .text(.undefined)
        case .null: return .text(.null)
        case .bool(let b): return .text(.boolean(b))
        case .number(let n): return .text(.number(n))
        case .string(let s): return .text(.string(s))
        case .object(let object):
            let identity = ObjectIdentifier(object)
            if let circular = circular(identity, &state) { return circular }
            state.path.append(identity)
            var entries: [PrintEntry] = []
            entries.reserveCapacity(object.count)
            for i in 0..<object.count {
                entries.append(PrintEntry(object.keys[i], node(object.value(at: i), depth: depth + 1, &state)))
            }
            state.path.removeLast()
            var prefix = object.className ?? ""
            if let error = object.error {
                prefix = error.message.isEmpty ? error.name : "\(error.name): \(error.message)"
                if entries.isEmpty { return .text(PrintText(prefix)) }
            }
            return .object(prefix: prefix, entries: entries, reference: state.references[identity])
        case .array(let array):
            let identity = ObjectIdentifier(array)
            if let circular = circular(identity, &state) { return circular }
            state.path.append(identity)
            var elements: [PrintNode] = []
            elements.reserveCapacity(array.elements.count)
            for element in array.elements { elements.append(node(element, depth: depth + 1, &state)) }
            state.path.removeLast()
            return .array(elements: elements, reference: state.references[identity])
        case .function(let function):
            let name = function.name.isEmpty ? "[Function (anonymous)]" : "[Function: \(function.name)]"
            return .text(PrintText(name, .special))
        case .bson(let bson):
            switch bson {
            case .int32(let i): return .text(.int32(i))
            case .double(let d): return .text(.double(d))
            case .regex(let r):
                return .text(PrintText.call2("BSONRegExp", .string(r.pattern), .string(r.options)))
            default: return PrintNode(bson)
            }
        case .date(let date): return .text(.date(milliseconds: date.time))
        case .regexp(let regexp): return .text(.regex(pattern: regexp.source, options: regexp.flags))
        case .host(let host): return HostMethods.printNode(interpreter, host)
        }
    }

    /// `[Circular *n]` when the object is one of its own ancestors.
    private func circular(_ identity: ObjectIdentifier, _ state: inout State) -> PrintNode? {
        guard state.path.contains(identity) else { return nil }
        let reference = state.references[identity] ?? (state.references.count + 1)
        state.references[identity] = reference
        return .text(PrintText("[Circular *\(reference)]", .special))
    }
}

extension PrintText {
    /// `Name(first, second)`.
    static func call2(_ name: String, _ first: PrintText, _ second: PrintText) -> PrintText {
        PrintText(name + "(") + first + PrintText(", ") + second + PrintText(")")
    }
}
