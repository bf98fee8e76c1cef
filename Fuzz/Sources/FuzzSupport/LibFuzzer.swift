import CFuzzDriver

/// Stops with `message` when `condition` fails; unlike `precondition`, the message survives a release build.
public func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Hands the process's arguments and one fuzzer's `LLVMFuzzerTestOneInput` to libFuzzer's driver; each fuzzer's
/// `<module>_main` entry point (which SwiftPM links as `main`) calls it.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
