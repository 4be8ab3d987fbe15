import Testing

/// The libbson oracle: DocketBSON's encoder and decoder checked against libbson 1.23 on seeded random and mutated
/// documents. CI greps for this suite's name, so every oracle test is nested in it.
@Suite struct BSONOracle {}
