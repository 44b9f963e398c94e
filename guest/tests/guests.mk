# Test guests: multiboot (v1) kernels in guest/tests/, built as ELF32.
GUEST_ELFS :=
DEFAULT_GUESTS :=
