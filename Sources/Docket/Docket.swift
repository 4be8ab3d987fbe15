@_exported import DocketBSON

/// The version of Docket.
public let docketVersion = "0.1.0"
