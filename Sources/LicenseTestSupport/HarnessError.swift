/// A test's setup or harness went wrong (not the product's answer): a missing binary, output that is not the
/// expected document, a server that never listened.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
