extension DocketError.Code {
    /// MongoDB's `CannotBackfillArray` (34): an update would pad an array with too many `null`s.
    public static let cannotBackfillArray = DocketError.Code(34, "CannotBackfillArray")
}
