/// A coding key that BSON coding creates itself: array positions (`"Index 3"`, intValue 3), the `"super"` key
/// of `superEncoder()`/`superDecoder()`, and the keys of ``BSONDocument`` and ``BSONValue`` documents when they are
/// coded by other encoders.
public struct BSONCodingKey: CodingKey, Sendable, Hashable {
    /// The key's string form.
    public var stringValue: String
    /// The key's integer form: the position for array elements.
    public var intValue: Int?

    /// Creates a key from a string.
    public init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    /// Creates a key from an integer; its string form is the decimal number.
    public init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }

    /// Creates the key of an array element, `"Index \(index)"` as Foundation's coders name it.
    public init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }

    /// The key used by `superEncoder()` and `superDecoder()`.
    public static let `super` = BSONCodingKey(stringValue: "super")
}

/// One step of a coding path, kept unboxed until someone asks for `codingPath`.
enum CodingPathElement {
    case key(any CodingKey)
    case index(Int)

    var codingKey: any CodingKey {
        switch self {
        case .key(let key): key
        case .index(let index): BSONCodingKey(index: index)
        }
    }
}

/// Renders a coding path for messages: `teams[1].id`, or `top level` for the empty path.
func describeCodingPath(_ path: [any CodingKey]) -> String {
    if path.isEmpty { return "top level" }
    var out = ""
    for key in path {
        if let index = key.intValue, key.stringValue == "Index \(index)" {
            out += "[\(index)]"
        } else {
            if !out.isEmpty { out += "." }
            out += key.stringValue
        }
    }
    return out
}

/// Appends `element` to `path` (when present).
func appending(_ path: [any CodingKey], _ element: CodingPathElement?) -> [any CodingKey] {
    guard let element else { return path }
    return path + [element.codingKey]
}
