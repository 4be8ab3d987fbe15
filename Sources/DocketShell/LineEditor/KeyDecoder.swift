/// One key press (or a run of typed text) decoded from the terminal's input bytes.
///
/// The decoder names keys, not editing actions: `EditSession` maps `.alt("b")` and `.wordLeft` to the same
/// "word left" action, for example.
enum KeyEvent: Equatable, Sendable {
    /// Printable text: one or more grapheme clusters typed or pasted together, never control characters.
    case text(String)
    /// A control character `Ctrl-<letter>`, named by its lowercase letter ("a" for 0x01). Tab (0x09),
    /// Ctrl-H (0x08), LF (0x0a) and CR (0x0d) have their own cases.
    case control(Character)
    /// `ESC` followed by an ASCII letter or digit: Alt-<char> on terminals that send Meta as an escape prefix.
    case alt(Character)
    /// Alt-Backspace (`ESC 0x7f` or `ESC 0x08`).
    case altBackspace
    case enter
    case tab
    /// Backspace, sent as 0x7f (DEL) by most terminals and as 0x08 (Ctrl-H) by some.
    case backspace
    /// The Delete key (`ESC[3~`).
    case delete
    /// A lone Escape key (an `ESC` not followed by more bytes within the decoder's timeout).
    case escape
    case up
    case down
    case left
    case right
    case home
    case end
    /// Ctrl-Left or Alt-Left (`ESC[1;5D`, `ESC[1;3D`, `ESC[5D`, `ESC Od`).
    case wordLeft
    /// Ctrl-Right or Alt-Right (`ESC[1;5C`, `ESC[1;3C`, `ESC[5C`, `ESC Oc`).
    case wordRight
}

/// Turns the raw bytes read from a terminal in raw mode into `KeyEvent`s.
///
/// Input arrives in arbitrary chunks, so a sequence such as `ESC [ 1 ; 5 D` or a multi-byte UTF-8 character may be
/// split across reads: the decoder keeps an incomplete tail pending until more bytes arrive. A lone `ESC` is
/// ambiguous (the Escape key, or the start of a sequence whose rest is still in flight); the caller waits a short
/// time for more input and calls `flush()` when none comes.
///
/// Unknown escape sequences are consumed entirely and produce no key; invalid UTF-8 bytes are dropped. A runaway
/// sequence (no final byte within `maximumSequenceLength` bytes) is dropped too, so no input can make the decoder
/// grow without bound.
struct KeyDecoder {
    /// The longest escape sequence the decoder waits for before dropping it as garbage.
    static let maximumSequenceLength = 32

    private var pending: [UInt8] = []

    /// Whether an incomplete sequence is waiting for more bytes (the caller should then read with a timeout and
    /// call `flush()` if nothing arrives).
    var hasPendingBytes: Bool { !pending.isEmpty }

    /// Decodes `bytes` (appended to any pending tail) and returns the complete keys.
    mutating func decode(_ bytes: some Sequence<UInt8>) -> [KeyEvent] {
        pending.append(contentsOf: bytes)
        return decodePending(atEndOfInput: false)
    }

    /// Decodes whatever is pending as if no more bytes will follow: a lone `ESC` becomes `.escape`, an incomplete
    /// escape sequence or UTF-8 character is dropped.
    mutating func flush() -> [KeyEvent] {
        decodePending(atEndOfInput: true)
    }

    /// The result of decoding one unit (a scalar or an escape sequence) at the front of the pending bytes.
    private enum Step<Value> {
        /// `count` bytes were consumed, producing `value` (nil: the bytes are ignored).
        case consumed(Int, Value?)
        /// The bytes at the start of the unit are an incomplete sequence: wait for more.
        case incomplete
    }

    private mutating func decodePending(atEndOfInput: Bool) -> [KeyEvent] {
        var keys: [KeyEvent] = []
        var text = ""
        var index = 0
        var previousWasCarriageReturn = false
        func flushText() {
            if !text.isEmpty {
                keys.append(.text(text))
                text = ""
            }
        }
        while index < pending.count {
            let byte = pending[index]
            if byte >= 0x20 && byte != 0x7f {
                // A run of printable text, decoded as UTF-8.
                switch decodeScalar(at: index, atEndOfInput: atEndOfInput) {
                case .incomplete:
                    flushText()
                    pending.removeFirst(index)
                    return keys
                case .consumed(let count, let scalar):
                    if let scalar, !Self.isControl(scalar) { text.unicodeScalars.append(scalar) }
                    index += count
                }
                previousWasCarriageReturn = false
                continue
            }
            flushText()
            if byte == 0x0a && previousWasCarriageReturn {
                // CR LF (pasted from a file with DOS line endings) is a single Enter.
                index += 1
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = byte == 0x0d
            if byte == 0x1b {
                switch decodeEscape(at: index, atEndOfInput: atEndOfInput) {
                case .incomplete:
                    pending.removeFirst(index)
                    return keys
                case .consumed(let count, let key):
                    if let key { keys.append(key) }
                    index += count
                }
            } else {
                if let key = Self.controlKey(byte) { keys.append(key) }
                index += 1
            }
        }
        flushText()
        pending.removeAll(keepingCapacity: true)
        return keys
    }

    private static func controlKey(_ byte: UInt8) -> KeyEvent? {
        switch byte {
        case 0x0d, 0x0a: return .enter
        case 0x09: return .tab
        case 0x08, 0x7f: return .backspace
        case 0x01...0x1a: return .control(Character(Unicode.Scalar(byte + 0x60)))
        default: return nil  // NUL and 0x1c...0x1f (Ctrl-\ and friends) do nothing.
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
    }

    /// Decodes one UTF-8 scalar starting at `index` (whose byte is >= 0x20). Invalid bytes are consumed with a nil
    /// scalar, so they are dropped.
    private func decodeScalar(at index: Int, atEndOfInput: Bool) -> Step<Unicode.Scalar> {
        let lead = pending[index]
        let length: Int
        switch lead {
        case 0x00...0x7f: return .consumed(1, Unicode.Scalar(lead))
        case 0xc2...0xdf: length = 2
        case 0xe0...0xef: length = 3
        case 0xf0...0xf4: length = 4
        default: return .consumed(1, nil)  // A stray continuation byte or an impossible lead byte.
        }
        var end = index + 1
        while end < index + length {
            guard end < pending.count else {
                return atEndOfInput ? .consumed(end - index, nil) : .incomplete
            }
            guard (0x80...0xbf).contains(pending[end]) else {
                return .consumed(end - index, nil)  // A truncated sequence: drop it, decode the next byte anew.
            }
            end += 1
        }
        // The validating initialiser rejects overlong forms and surrogates.
        guard let decoded = String(validating: pending[index..<end], as: UTF8.self) else {
            return .consumed(length, nil)
        }
        return .consumed(length, decoded.unicodeScalars.first)
    }

    /// Decodes the sequence starting with the `ESC` at `index`.
    private func decodeEscape(at index: Int, atEndOfInput: Bool) -> Step<KeyEvent> {
        guard index + 1 < pending.count else {
            return atEndOfInput ? .consumed(1, .escape) : .incomplete
        }
        let next = pending[index + 1]
        switch next {
        case UInt8(ascii: "["), UInt8(ascii: "O"):
            return decodeControlSequence(at: index, atEndOfInput: atEndOfInput)
        case 0x7f, 0x08:
            return .consumed(2, .altBackspace)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .consumed(2, .alt(Character(Unicode.Scalar(next))))
        case 0x20...0x7e:
            return .consumed(2, nil)  // Alt with punctuation: nothing is bound to it.
        default:
            // ESC ESC, ESC before a control byte or before non-ASCII text: the Escape key, then decode the next byte
            // on its own.
            return .consumed(1, .escape)
        }
    }

    /// Decodes a CSI (`ESC [ params intermediates final`) or SS3 (`ESC O params final`) sequence.
    private func decodeControlSequence(at index: Int, atEndOfInput: Bool) -> Step<KeyEvent> {
        let isCSI = pending[index + 1] == UInt8(ascii: "[")
        var end = index + 2
        var parameters: [UInt8] = []
        var hasIntermediates = false
        while end < pending.count {
            let byte = pending[end]
            switch byte {
            case 0x30...0x3f:
                if hasIntermediates { return .consumed(end + 1 - index, nil) }  // Malformed: drop what we saw.
                parameters.append(byte)
            case 0x20...0x2f:
                hasIntermediates = true
            case 0x40...0x7e:
                let key = isCSI ? Self.csiKey(parameters, final: byte) : Self.ss3Key(parameters, final: byte)
                return .consumed(end + 1 - index, hasIntermediates ? nil : key)
            default:
                // A control byte, ESC or non-ASCII byte cannot be part of the sequence: drop the broken prefix and
                // decode that byte on its own.
                return .consumed(end - index, nil)
            }
            end += 1
            if end - index > Self.maximumSequenceLength { return .consumed(end - index, nil) }
        }
        return atEndOfInput ? .consumed(end - index, nil) : .incomplete
    }

    /// Splits `1;5` into numbers; nil when the parameters hold private markers (`?`, `<`, `>`, `=`) or colons.
    private static func numbers(_ parameters: [UInt8]) -> [Int]? {
        var result: [Int] = []
        var current: Int?
        for byte in parameters {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                current = min((current ?? 0) * 10 + Int(byte - UInt8(ascii: "0")), 10_000)
            case UInt8(ascii: ";"):
                result.append(current ?? 1)
                current = nil
            default:
                return nil
            }
        }
        if current != nil || !parameters.isEmpty { result.append(current ?? 1) }
        return result
    }

    /// Whether an xterm modifier parameter (1 + bitmask: 1 Shift, 2 Alt, 4 Ctrl) includes Alt or Ctrl.
    private static func hasWordModifier(_ modifier: Int) -> Bool {
        modifier > 1 && (modifier - 1) & 0b110 != 0
    }

    private static func csiKey(_ parameters: [UInt8], final: UInt8) -> KeyEvent? {
        guard let numbers = numbers(parameters) else { return nil }
        // `ESC[1;5C` carries the modifier second; the old `ESC[5C` form carries it alone.
        let modifier = numbers.count >= 2 ? numbers[1] : (numbers.first ?? 1)
        switch final {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return hasWordModifier(modifier) ? .wordRight : .right
        case UInt8(ascii: "D"): return hasWordModifier(modifier) ? .wordLeft : .left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "~"):
            switch numbers.first {
            case 1, 7: return .home
            case 4, 8: return .end
            case 3: return .delete
            default: return nil  // Insert, Page Up/Down, function keys, bracketed paste markers.
            }
        default:
            return nil
        }
    }

    private static func ss3Key(_ parameters: [UInt8], final: UInt8) -> KeyEvent? {
        guard let numbers = numbers(parameters) else { return nil }
        let modifier = numbers.last ?? 1
        switch final {
        case UInt8(ascii: "A"), UInt8(ascii: "a"): return .up
        case UInt8(ascii: "B"), UInt8(ascii: "b"): return .down
        case UInt8(ascii: "C"): return hasWordModifier(modifier) ? .wordRight : .right
        case UInt8(ascii: "D"): return hasWordModifier(modifier) ? .wordLeft : .left
        case UInt8(ascii: "c"): return .wordRight  // rxvt Ctrl-Right
        case UInt8(ascii: "d"): return .wordLeft  // rxvt Ctrl-Left
        case UInt8(ascii: "H"): return .home
        case UInt8(ascii: "F"): return .end
        case UInt8(ascii: "M"): return .enter  // keypad Enter in application mode
        default: return nil
        }
    }
}
