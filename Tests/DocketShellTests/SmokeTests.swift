import Testing

@testable import DocketShell
