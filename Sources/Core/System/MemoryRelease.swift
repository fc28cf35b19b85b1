/// Returns freed heap memory to the kernel.
public enum MemoryRelease {
    /// glibc keeps freed chunks in its arenas; after a compiled model is released, `malloc_trim(0)`
    /// gives the now-empty pages back, so the resident set really shrinks by what the model held.
    public static func trimHeap() {
        _ = glibcMallocTrim(0)
    }
}

/// glibc's `int malloc_trim(size_t pad)` (malloc.h is not part of Swift's Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
