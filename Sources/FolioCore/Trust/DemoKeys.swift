/// The public keys of the sample school's demo keys (`SampleWorkspace/keys/`), published with folio: their
/// private halves are public too, so no real school may register or sign with them, even if someone strips
/// the `demoOnly` mark from a copy of the file.
public enum DemoKeys {
    public static let published: Set<String> = [
        "hM+tliLxgADh8currkhKJLMB8rKffIVgr2XkVGSA+P0=", // A01
        "W7WgoAqeW2mOQfSktISRwEZhiMQ73La8yMEp+Y3qMVI=", // C01
        "sdFBBzTYJkfgjieFWdcIkj4m7TjvyOViZMwweHj3+vE=", // D01
        "YRfwixMOeqGBhiy9PFuD+sQ1DcM5hwrWqAgVWfwcosQ=", // E01
        "z+U+8c3oGhzblcXy+MWmS0zgzNymlNZef1cIObzu6DA=", // G01
        "fAGDN16DWbV3rAhCgMpAp4HSUKN4cGga39Rrnz2gxpQ=", // I01
        "yfkCNXv2zxENW4My0VXIOi+ayd434l9Uo9XeI6wX4Ik=", // I02
        "Jfu2FwsPO+bqHyaRTqv36JS9oGI9ZWBsP2s4ad5mO3w=", // IT1
        "zPk+pNp3RCGy0DXrMqSVqto35DNu6alaZPPSQI6J4sU=", // K01
        "Xr7FY1CamOmDTbSoioN9qfbWybztn1XriZ0s5lyDlew=", // KIOSK1
        "mVLxJz6UWCh5FehPYmIAtQBKQvRUAUPOTDnpatBO3bY=", // L01
        "RiWaO7PB5pVDw+zvMsJ4K+zVg2lELMCUE4C+hnEoico=", // P01
        "49WJah1wxQ59mnsqDDdUyF+8MtGbzNP66G8C6bXRLAM=", // R01
        "3SDtm0e9T6xnS300JgnOMviwDGZQ4S8Ln9c77Ggyazc=", // R02
        "l9i8XrWhesPkAE3Ft0lcApojnuXhbOE4C/rGaJkB2nQ=", // S01
        "6LehDtUm9rzI8StybR9QSLXA0eC4lwLk0EtpZlWqJ1Q=", // T001
        "2lZ4SqjBupv9lftfqfkHR7lOInn8C0LC/I9+O3EZOng=", // T002
        "UWbYSG0d9vu0m9H7gRria38oaOpGh2RtUrCLrGrY5kQ=", // T003
        "J9E5ry53CwiDUmlOoGjQEON9FdIjkhZY2cOoZE9EH3U=", // T004
        "QlkI0CD0KIkQE+fHV0DqjrV0kuh45AiwWT5Bs1TbyvA=", // T005
        "dcMKbB5CZRIRtYiay9WpdyZPcSGlQ10JezsJctOWQMY=", // root
    ]

    public static func isPublished(_ key: String) -> Bool { published.contains(key) }
}

extension DemoKeys {
    /// The passphrase of every published demo key. Published, like the keys: it protects nothing.
    public static let passphrase = "demo"
}
