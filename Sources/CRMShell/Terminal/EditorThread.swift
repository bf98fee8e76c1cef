import Foundation
import Synchronization

/// Runs the blocking libedit reads on a serial queue of their own, never on the Swift concurrency pool (a read
/// blocks until a key comes, which would starve the pool's few threads and with them the background server), and
/// hands each line back to the async REPL. Commands, confirmations and the token prompt all read here, in order.
final class EditorThread: Sendable {
    private let editor: Mutex<LineEditor>
    private let queue = DispatchQueue(label: "crm.line-editor")

    init(historyPath: String?, complete: @escaping @Sendable (String) -> Completion) throws(HistoryFile.Refusal) {
        self.editor = Mutex(try LineEditor(historyPath: historyPath, complete: complete))
    }

    /// Reads one line on the editor thread.
    func read(prompt: String) async -> LineRead {
        await self.onEditorThread { $0.read(prompt: prompt) }
    }

    /// Reads one line with echo off on the editor thread.
    func readSecret(prompt: String) async -> LineRead {
        await self.onEditorThread { $0.readSecret(prompt: prompt) }
    }

    /// Shows `text` on the terminal the editor draws on, which is not stdout when stdout is piped.
    func show(_ text: String) {
        self.queue.sync { self.editor.withLock { $0.show(text) } }
    }

    /// Records a line in the history (on the editor thread, like every other use of the editor); why the history
    /// file could not be written, if it could not.
    func record(_ line: String) -> HistoryFile.Refusal? {
        self.queue.sync { self.editor.withLock { $0.record(line) } }
    }

    private func onEditorThread(_ body: @escaping @Sendable (LineEditor) -> LineRead) async -> LineRead {
        await withCheckedContinuation { continuation in
            self.queue.async {
                continuation.resume(returning: self.editor.withLock { body($0) })
            }
        }
    }
}
