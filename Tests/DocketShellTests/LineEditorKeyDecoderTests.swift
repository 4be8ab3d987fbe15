import Testing

@testable import DocketShell

private func decode(_ bytes: [UInt8]) -> [KeyEvent] {
    var decoder = KeyDecoder()
    return decoder.decode(bytes) + decoder.flush()
}

private func decode(_ string: String) -> [KeyEvent] {
    decode(Array(string.utf8))
}

@Suite struct LineEditorKeyDecoderTests {
    @Test(arguments: [
        ("\u{1b}[A", KeyEvent.up), ("\u{1b}[B", .down), ("\u{1b}[C", .right), ("\u{1b}[D", .left),
        ("\u{1b}OA", .up), ("\u{1b}OB", .down), ("\u{1b}OC", .right), ("\u{1b}OD", .left),
        ("\u{1b}[H", .home), ("\u{1b}[F", .end), ("\u{1b}OH", .home), ("\u{1b}OF", .end),
        ("\u{1b}[1~", .home), ("\u{1b}[7~", .home), ("\u{1b}[4~", .end), ("\u{1b}[8~", .end),
        ("\u{1b}[3~", .delete), ("\u{1b}[1;5D", .wordLeft), ("\u{1b}[1;5C", .wordRight),
        ("\u{1b}[1;3D", .wordLeft), ("\u{1b}[1;3C", .wordRight), ("\u{1b}[5D", .wordLeft), ("\u{1b}[5C", .wordRight),
        ("\u{1b}Od", .wordLeft), ("\u{1b}Oc", .wordRight), ("\u{1b}[1;2C", .right), ("\u{1b}[1;5A", .up),
        ("\u{1b}b", .alt("b")), ("\u{1b}f", .alt("f")), ("\u{1b}d", .alt("d")), ("\u{1b}\u{7f}", .altBackspace),
        ("\u{1b}\u{8}", .altBackspace),
    ])
    func decodesEscapeSequences(sequence: String, key: KeyEvent) {
        #expect(decode(sequence) == [key])
    }

    @Test func decodesControlBytes() {
        #expect(decode([0x0d]) == [.enter])
        #expect(decode([0x0a]) == [.enter])
        #expect(decode([0x09]) == [.tab])
        #expect(decode([0x7f]) == [.backspace])
        #expect(decode([0x08]) == [.backspace])
        #expect(
            decode([0x01, 0x03, 0x04, 0x12, 0x17]) == [
                .control("a"), .control("c"), .control("d"), .control("r"), .control("w"),
            ])
        #expect(decode([0x00, 0x1c, 0x1f]) == [])
    }

    @Test func collapsesCarriageReturnLineFeedIntoOneEnter() {
        #expect(decode("a\r\nb\r\r") == [.text("a"), .enter, .text("b"), .enter, .enter])
    }

    @Test func groupsTextAndDecodesMultiByteUTF8() {
        #expect(decode("héllo 🎉") == [.text("héllo 🎉")])
        #expect(decode("ab\u{1b}[Dc") == [.text("ab"), .left, .text("c")])
    }

    @Test func keepsSequencesSplitAcrossReads() {
        let sequence = Array("x\u{1b}[1;5Dé🎉\u{1b}[3~".utf8)
        for split in 1..<sequence.count {
            var decoder = KeyDecoder()
            var keys = decoder.decode(sequence[..<split])
            keys += decoder.decode(sequence[split...])
            #expect(!decoder.hasPendingBytes)
            let text = keys.compactMap { key -> String? in
                if case .text(let text) = key { return text }
                return nil
            }.joined()
            #expect(text == "xé🎉", "split at \(split)")
            #expect(keys.filter { $0 == .wordLeft }.count == 1, "split at \(split)")
            #expect(keys.last == .delete, "split at \(split)")
        }
    }

    @Test func waitsForTheRestOfAnEscapeSequence() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1b]) == [])
        #expect(decoder.hasPendingBytes)
        #expect(decoder.decode(Array("[".utf8)) == [])
        #expect(decoder.decode(Array("A".utf8)) == [.up])
        #expect(!decoder.hasPendingBytes)
    }

    @Test func flushTurnsALoneEscapeIntoTheEscapeKey() {
        var decoder = KeyDecoder()
        #expect(decoder.decode([0x1b]) == [])
        #expect(decoder.flush() == [.escape])
        #expect(!decoder.hasPendingBytes)
        #expect(decode([0x1b, 0x1b]) == [.escape, .escape])
    }

    @Test(arguments: [
        "\u{1b}[2~", "\u{1b}[5~", "\u{1b}[6~", "\u{1b}[15~", "\u{1b}[200~", "\u{1b}[?1;2c", "\u{1b}[<0;10;5M",
        "\u{1b}[Z", "\u{1b}OP", "\u{1b}[1;5Q", "\u{1b}[ q", "\u{1b}.", "\u{1b}[12;34;56;78R",
    ])
    func ignoresUnknownSequencesEntirely(sequence: String) {
        #expect(decode(sequence + "x") == [.text("x")])
    }

    @Test func dropsARunawaySequenceWithoutGrowing() {
        var decoder = KeyDecoder()
        let keys = decoder.decode([0x1b, UInt8(ascii: "[")] + Array(repeating: UInt8(ascii: "1"), count: 100) + [0x61])
        #expect(!decoder.hasPendingBytes)
        #expect(!keys.contains { if case .text(let text) = $0 { return text.contains("[") } else { return false } })
    }

    @Test func dropsABrokenSequenceAndDecodesTheByteThatBrokeIt() {
        #expect(decode("\u{1b}[1\u{3}") == [.control("c")])
        #expect(decode("\u{1b}\u{3}") == [.escape, .control("c")])
    }

    @Test func dropsInvalidUTF8() {
        #expect(decode([0x61, 0xff, 0x62]) == [.text("ab")])
        #expect(decode([0x61, 0x80, 0x62]) == [.text("ab")])
        #expect(decode([0x61, 0xc3, 0x62]) == [.text("ab")])  // truncated two-byte sequence
        #expect(decode([0xc0, 0xaf, 0x61]) == [.text("a")])  // overlong "/"
        #expect(decode([0xed, 0xa0, 0x80, 0x61]) == [.text("a")])  // a UTF-16 surrogate
        #expect(decode([0x61, 0xe2, 0x82]) == [.text("a")])  // truncated at the end of the input
        #expect(decode([0xc2, 0x85]) == [])  // the C1 control NEL is not text
    }
}
