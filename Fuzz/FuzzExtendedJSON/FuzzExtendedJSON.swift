// libFuzzer entry point for the Extended JSON reader (see README, "Fuzzing").
//
// Every input must either be rejected with a BSONError or parse to a document whose canonical Extended JSON
// parses back to an identical document. Anything else traps, which libFuzzer reports as a crash.
import DocketBSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? Document(extendedJSON: text) else { return 0 }
    let canonical = document.extendedJSONString(mode: .canonical)
    guard let again = try? Document(extendedJSON: canonical), again.isIdentical(to: document) else {
        fatalError("canonical Extended JSON round trip changed the document: \(canonical)")
    }
    _ = document.extendedJSONString(mode: .relaxed)
    return 0
}
