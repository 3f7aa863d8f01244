// TEMPORARY stub until the basics branch lands.
public struct NationalIDError: Error { public var message: String; public var hint: String }
public struct NationalID: Sendable { public let text: String
  public init(_ text: String) throws(NationalIDError) { self.text = text }
  public var masked: String { text }
}
extension NationalID { public static func maskedText(_ s: String) -> String { s } }
