import Testing

@Test func placeholderFolioCLITests() { #expect(1 + 1 == 2) }
