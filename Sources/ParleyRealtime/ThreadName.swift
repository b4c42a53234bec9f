import CParleyLinux

/// Names the calling thread as `top -H`, `perf` and /proc show it (at most 15 bytes are
/// kept). Foundation's `Thread.name` does not reach the kernel on Linux, so threads that
/// start with Foundation call this first thing.
public enum ThreadName {
    public static func setCurrent(_ name: String) {
        _ = name.withCString { parley_linux_thread_set_name($0) }
    }
}
