// libFuzzer entry point for the binary BSON decoder (see README, "Fuzzing").
//
// Every input must either be rejected with a BSONError or decode to a document that re-encodes and decodes to an
// identical document, and whose lazy field lookups agree with the decoded values. Anything else traps, which
// libFuzzer reports as a crash.
import DocketBSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    guard let document = try? BSONDocument(bsonBuffer: buffer) else { return 0 }
    guard let bytes = try? document.bsonBytes() else {
        // Only a NUL inside a regex pattern/options could make a decoded document unencodable, and the
        // decoder never produces one.
        fatalError("a decoded document failed to encode")
    }
    guard let again = try? BSONDocument(bsonBytes: bytes), again.isIdentical(to: document) else {
        fatalError("decode/encode/decode round trip changed the document")
    }
    let raw = try! RawDocument(validating: bytes)
    for (key, _) in again {
        guard let found = raw[key], found.isIdentical(to: again[key]!) else {
            fatalError("lazy lookup of \(key.debugDescription) disagrees with the decoder")
        }
    }
    return 0
}
