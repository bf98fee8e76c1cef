#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver: parses the flags in argv and fuzzes `test` (LLVM's libFuzzer, `-sanitize=fuzzer`).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
