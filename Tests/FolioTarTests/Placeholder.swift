import Testing

@Test func placeholderFolioTarTests() { #expect(1 + 1 == 2) }
