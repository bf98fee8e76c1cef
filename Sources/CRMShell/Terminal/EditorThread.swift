import Foundation
import Synchronization

/// Runs the blocking libedit reads on a thread of their own, never on the Swift concurrency pool
/// (NOTES-libedit-and-server.md), and hands each line back to the async REPL.
final class EditorThread: Sendable {
    private let editor: Mutex<LineEditor>
    private let queue = DispatchQueue(label: "crm.line-editor")

    init(historyPath: String?, complete: @escaping @Sendable (String) -> Completion) {
        self.editor = Mutex(LineEditor(historyPath: historyPath, complete: complete))
    }

    /// Reads one line on the editor thread.
    func read(prompt: String) async -> LineRead {
        await withCheckedContinuation { continuation in
            self.queue.async {
                continuation.resume(returning: self.editor.withLock { $0.read(prompt: prompt) })
            }
        }
    }

    /// Records a line in the history (on the editor thread, like every other use of the editor).
    func record(_ line: String) {
        self.queue.sync { self.editor.withLock { $0.record(line) } }
    }
}
