import Testing

@Test func placeholderFolioCoreTests() { #expect(1 + 1 == 2) }
