import Foundation

/// Runs a program with posix_spawn and waits for it with waitpid.
///
/// Not Foundation's `Process`: `pg_ctl start` leaves a daemon behind, and Foundation's child
/// reaping was seen to hang here after such a fork. Output goes to temporary files rather than
/// pipes, so a daemon that keeps an inherited descriptor open cannot block us either.
enum Subprocess {
    static func run(_ command: [String], environment: [String: String], workingDirectory: String) throws -> ProcessOutput {
        // Glibc's Swift overlay lacks posix_spawn_file_actions_addchdir_np: coreutils' `env -C` changes directory.
        let argv = ["/usr/bin/env", "-C", workingDirectory] + command
        let outPath = temporaryPath("out"), errPath = temporaryPath("err")
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Children start with default signal handling even though rops ignores SIGINT itself.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let envStrings = environment.map { "\($0.key)=\($0.value)" }
        markDescriptorsCloseOnExec()
        var pid: pid_t = 0
        let status = withCStrings(argv) { args in
            withCStrings(envStrings) { envp in
                posix_spawn(&pid, argv[0], &actions, &attributes, args, envp)
            }
        }
        guard status == 0 else {
            throw LocalPostgresError.filesystem("could not run \(command[0]): \(String(cString: strerror(status)))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 && errno == EINTR {}
        let exitCode: Int32 = (waitStatus & 0x7f) == 0 ? (waitStatus >> 8) & 0xff : 128 + (waitStatus & 0x7f)
        return ProcessOutput(status: exitCode, stdout: readFile(outPath), stderr: readFile(errPath))
    }

    /// A server started through pg_ctl lives on as a daemon and would keep every descriptor it
    /// inherited open, such as the pipe of a program that ran rops and waits for its output to end.
    /// Nothing rops spawns needs our descriptors beyond 0-2.
    private static func markDescriptorsCloseOnExec() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for entry in entries {
            guard let fd = Int32(entry), fd > 2 else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    private static func temporaryPath(_ suffix: String) -> String {
        NSTemporaryDirectory() + "rops-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).\(suffix)"
    }

    private static func readFile(_ path: String) -> String {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
