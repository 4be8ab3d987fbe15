// libFuzzer entry point for the Extended JSON reader (see README, "Fuzzing").
//
// Every input must either be rejected with a BSONError or parse to a document whose canonical Extended JSON
// parses back to an equal document that prints the same canonical Extended JSON (a fixed point). Equality is
// MongoDB's (NaN == NaN): canonical Extended JSON cannot carry NaN payloads or a decimal NaN's sign, which the
// BSON corpus lists as lossy. Anything else traps, which libFuzzer reports as a crash.
import DocketBSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    guard let document = try? BSONDocument(extendedJSONBuffer: buffer) else { return 0 }
    let canonical = document.extendedJSONString(mode: .canonical)
    guard let again = try? BSONDocument(extendedJSON: canonical), again == document,
        again.extendedJSONString(mode: .canonical) == canonical
    else {
        fatalError("canonical Extended JSON round trip changed the document: \(canonical)")
    }
    _ = document.extendedJSONString(mode: .relaxed)
    return 0
}
