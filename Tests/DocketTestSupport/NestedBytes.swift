/// The BSON bytes of `{d: {d: … {leaf: 1} …}}` with `depth` levels of `d`, built byte by byte: deeper than any
/// encoder accepts, so that readers' depth limits can be tested on input the writer refuses to produce.
public func nestedDocumentBytes(depth: Int) -> [UInt8] {
    func document(_ elements: [UInt8]) -> [UInt8] {
        let length = UInt32(elements.count + 5)
        return withUnsafeBytes(of: length.littleEndian, Array.init) + elements + [0]
    }
    var bytes = document([0x10] + Array("leaf".utf8) + [0, 1, 0, 0, 0])
    for _ in 0..<depth { bytes = document([0x03, UInt8(ascii: "d"), 0] + bytes) }
    return bytes
}
