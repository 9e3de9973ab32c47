import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Drives `learnerlens run` in a real terminal (tmux): keys in, screen out.
@Suite(.serialized) struct InteractiveTests {
    static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }
    let socket = "ll-test-\(UUID().uuidString.prefix(8))"

    /// Runs tmux with posix_spawn and waitpid: the tmux server it starts inherits descriptors, which
    /// makes Foundation's Process wait forever on Linux.
    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(socket)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let argv = [Self.tmuxPath!, "-L", socket] + args
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // A clean signal state for tmux and everything it starts: the test runner may block or ignore SIGINT.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        guard posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ) == 0 else { throw CocoaError(.executableLoad) }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-S", "-200", "-t", "ll"]) }

    /// Waits until the screen shows `text` (the step runs real tensor code, so give it time).
    func waitFor(_ text: String, timeout: Double = 60) throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try screen().contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return false
    }

    @Test(.enabled(if: tmuxPath != nil)) func stepBackAndQuitRestoringTheTerminal() throws {
        let lesson = CLI.root.appendingPathComponent("Tests/LessonKitTests/Fixtures/small.md").path
        let command =
            "stty -a > /tmp/\(socket).before; LEARNERLENS_WEIGHTS=/nonexistent NO_COLOR=1 '\(CLI.binary.path)' run '\(lesson)'; stty -a > /tmp/\(socket).after; echo DONE; sleep 30"
        try tmux(["new-session", "-d", "-s", "ll", "-x", "100", "-y", "50", command])
        defer {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: "/tmp/\(socket).before")
            try? FileManager.default.removeItem(atPath: "/tmp/\(socket).after")
        }
        #expect(try waitFor("Step 1/12 · data"))
        #expect(try waitFor("[Enter] run"))
        try tmux(["send-keys", "-t", "ll", "Enter"])
        #expect(try waitFor("Step 2/12 · cnn_config"))
        #expect(try screen().contains("data.c = 5 classes"))
        try tmux(["send-keys", "-t", "ll", " "])
        #expect(try waitFor("Step 3/12 · create_body"))
        try tmux(["send-keys", "-t", "ll", "b"])
        #expect(try waitFor("[Enter] next"))
        try tmux(["resize-window", "-t", "ll", "-x", "70", "-y", "40"])
        try tmux(["send-keys", "-t", "ll", "Enter"])
        try tmux(["send-keys", "-t", "ll", "q"])
        #expect(try waitFor("DONE"))
        #expect(try screen().contains("Stopped at step 3/12"))
        let before = try String(contentsOfFile: "/tmp/\(socket).before", encoding: .utf8)
        let after = try String(contentsOfFile: "/tmp/\(socket).after", encoding: .utf8)
        // The size changed (we resized the window); the modes must not have.
        let modes = { (s: String) in s.split(separator: "\n").dropFirst().joined(separator: "\n") }
        #expect(modes(before) == modes(after), "stty modes changed")
        #expect(after.contains(" icanon") && after.contains(" echo "))
    }

    @Test(.enabled(if: tmuxPath != nil)) func ctrlCRestoresTheTerminal() throws {
        let command = "LEARNERLENS_WEIGHTS=/nonexistent '\(CLI.binary.path)' run; stty -a > /tmp/\(socket).after; echo DONE; sleep 30"
        try tmux(["new-session", "-d", "-s", "ll", "-x", "100", "-y", "50", command])
        defer {
            _ = try? tmux(["kill-server"])
            try? FileManager.default.removeItem(atPath: "/tmp/\(socket).after")
        }
        #expect(try waitFor("[Enter] run"))
        try tmux(["send-keys", "-t", "ll", "C-c"])
        #expect(try waitFor("DONE"))
        let after = try String(contentsOfFile: "/tmp/\(socket).after", encoding: .utf8)
        #expect(after.contains(" icanon") && after.contains(" echo "))
    }

    /// The prose after a cell explains that cell's result: it shows with the step once it ran, not
    /// under the next step's header (it used to: the next step printed the prose before it), and
    /// going back shows it again.
    @Test(.enabled(if: tmuxPath != nil)) func theExplanationStaysWithItsStep() throws {
        let lesson = CLI.root.appendingPathComponent("Tests/LessonKitTests/Fixtures/small.md").path
        let command = "LEARNERLENS_WEIGHTS=/nonexistent NO_COLOR=1 '\(CLI.binary.path)' run '\(lesson)'; echo DONE; sleep 30"
        try tmux(["new-session", "-d", "-s", "ll", "-x", "100", "-y", "60", command])
        defer { _ = try? tmux(["kill-server"]) }
        #expect(try waitFor("[Enter] run"))
        let first = try screen()
        // The lesson's title is the introduction, above the first header; the explanation is not there yet.
        #expect(try #require(first.range(of: "A small lesson")).lowerBound < #require(first.range(of: "Step 1/12 · data")).lowerBound)
        #expect(!first.contains("There are 5 classes"))
        try tmux(["send-keys", "-t", "ll", "Enter"])
        #expect(try waitFor("Step 2/12 · cnn_config"))
        let ran = try screen()
        let result = try #require(ran.range(of: "data.c = 5 classes"))
        let explanation = try #require(ran.range(of: "There are 5 classes and the lesson's arch is resnet18."))
        let next = try #require(ran.range(of: "Step 2/12 · cnn_config"))
        #expect(result.upperBound < explanation.lowerBound && explanation.upperBound < next.lowerBound)
        #expect(!ran[next.upperBound...].contains("There are 5 classes"))
        try tmux(["send-keys", "-t", "ll", "b"])
        #expect(try waitFor("[Enter] next"))
        let back = try screen()
        let header = try #require(back.range(of: "Step 1/12 · data", options: .backwards))
        #expect(back[header.upperBound...].contains("There are 5 classes"))
        try tmux(["send-keys", "-t", "ll", "q"])
        #expect(try waitFor("DONE"))
    }
}
