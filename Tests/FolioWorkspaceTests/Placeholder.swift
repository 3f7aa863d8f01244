import Testing

@Test func placeholderFolioWorkspaceTests() { #expect(1 + 1 == 2) }
