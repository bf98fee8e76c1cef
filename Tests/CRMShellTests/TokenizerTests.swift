import CRMShell
import Testing

/// The lexical rules of DESIGN §5.2, as a table of input → words (or "incomplete").
struct TokenizerTests {
    /// One row of the table: what goes in, what must come out, and why the row exists.
    struct Case: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: Tokenizer.Result
        let why: String

        init(_ input: String, _ words: [String], _ why: String) {
            self.input = input
            self.expected = .words(words)
            self.why = why
        }

        init(incomplete input: String, _ why: String) {
            self.input = input
            self.expected = .incomplete
            self.why = why
        }

        var testDescription: String { "\(self.why): \(String(reflecting: self.input))" }
    }

    static let cases: [Case] = [
        // Plain words and whitespace.
        Case("a b", ["a", "b"], "plain words"),
        Case("ticket list --status open", ["ticket", "list", "--status", "open"], "a command line"),
        Case("   a    b   ", ["a", "b"], "extra spaces around and between words"),
        Case("\ta\t\tb\t", ["a", "b"], "tabs separate words"),
        Case("a\r", ["a"], "a carriage return is whitespace"),
        Case("héllo wörld 日本", ["héllo", "wörld", "日本"], "non-ASCII words"),

        // Single quotes: everything literal, backslashes kept.
        Case("'a b'", ["a b"], "single quotes keep spaces"),
        Case(#"'C:\temp\new'"#, [#"C:\temp\new"#], "single quotes keep backslashes"),
        Case(#"'say "hi"'"#, [#"say "hi""#], "double quotes inside single quotes are literal"),
        Case("'# not a comment'", ["# not a comment"], "a quoted # is not a comment"),
        Case(#"'a\'"#, [#"a\"#], "a backslash does not escape a single quote"),

        // Double quotes with their four escapes.
        Case(#""a b""#, ["a b"], "double quotes keep spaces"),
        Case(#""say \"hi\"""#, [#"say "hi""#], #"\" in double quotes"#),
        Case(#""a\\b""#, [#"a\b"#], #"\\ in double quotes"#),
        Case(#""line1\nline2""#, ["line1\nline2"], #"\n in double quotes"#),
        Case(#""col1\tcol2""#, ["col1\tcol2"], #"\t in double quotes"#),
        Case(#""it's""#, ["it's"], "a single quote inside double quotes is literal"),
        Case(#""\x""#, [#"\x"#], "an unknown escape in double quotes keeps its backslash"),

        // Backslash outside quotes.
        Case(#"a\ b"#, ["a b"], "escaped space joins one word"),
        Case(#"a\"b"#, [#"a"b"#], "escaped double quote outside quotes"),
        Case(#"a\'b"#, ["a'b"], "escaped single quote outside quotes"),
        Case("\\#tag", ["#tag"], "an escaped # at word start is not a comment"),
        Case(#"a\\b"#, [#"a\b"#], "escaped backslash outside quotes"),
        Case("a\\\nb", ["ab"], "backslash-newline continues the word"),

        // Comments.
        Case("# a comment", [], "comment-only line"),
        Case("    # indented comment", [], "indented comment-only line"),
        Case("ticket list # the open ones", ["ticket", "list"], "# at word start ends the line"),
        Case("ticket list #open", ["ticket", "list"], "# starting a word, no space after it"),
        Case("a#b", ["a#b"], "# inside a word is literal"),
        Case("a# b", ["a#", "b"], "# at a word's end is literal"),
        Case("a # one\nb", ["a", "b"], "a comment ends at the newline"),

        // Empty input.
        Case("", [], "empty line"),
        Case("    ", [], "blank line"),

        // Adjacent pieces and empty words.
        Case(#""a"'b'c"#, ["abc"], "adjacent quoted and bare pieces form one word"),
        Case(#"x"y z"'w'"#, ["xy zw"], "quotes in the middle of a word"),
        Case(#""""#, [""], "an empty double-quoted string is an empty word"),
        Case("''", [""], "an empty single-quoted string is an empty word"),
        Case(#"a "" b"#, ["a", "", "b"], "an empty word between words"),
        Case(#"--company """#, ["--company", ""], "an empty flag value"),

        // Incomplete input: the line must continue.
        Case(incomplete: "'abc", "unterminated single quote"),
        Case(incomplete: #""abc"#, "unterminated double quote"),
        Case(incomplete: #"note add 1 "He said \"hi"#, "escaped quote does not close the string"),
        Case(incomplete: #"abc\"#, "trailing backslash"),
        Case(incomplete: #""abc\"#, "trailing backslash inside double quotes"),
        Case(incomplete: "a 'b\nc", "a single quote still open after a newline"),

        // Multi-line input: a quote spanning the newline stays one word, with the newline in it.
        Case("note add 1 'line one\nline two'", ["note", "add", "1", "line one\nline two"], "single quote over a newline"),
        Case("say \"first\nsecond\" done", ["say", "first\nsecond", "done"], "double quote over a newline"),
        Case("a\nb", ["a", "b"], "an unquoted newline separates words"),

        // A rest-of-line TEXT argument is the rest of the line as typed (DESIGN §5.2).
        Case("note add 1 See ticket #42", ["note", "add", "1", "See ticket #42"], "# inside TEXT is text"),
        Case("note add 1 #42 first", ["note", "add", "1", "#42 first"], "# starting TEXT is text"),
        Case("note add 1 Customer can't log in", ["note", "add", "1", "Customer can't log in"], "an apostrophe in TEXT"),
        Case(#"note add 1 say "hi" twice"#, ["note", "add", "1", #"say "hi" twice"#], "quotes inside TEXT stay"),
        Case(#"note add 1 "one quoted word""#, ["note", "add", "1", "one quoted word"], "one quoted TEXT loses quotes"),
        Case(#"note add 1 "first" and more"#, ["note", "add", "1", #""first" and more"#], "a quoted start is kept"),
        Case("note add 1   spaced   out  \t", ["note", "add", "1", "spaced   out"], "inner spacing kept, ends trimmed"),
        Case(#"note add 1 a\tb \n"#, ["note", "add", "1", #"a\tb \n"#], "backslashes in TEXT are text"),
        Case("note add 1 -- --not a flag", ["note", "add", "1", "--", "--not a flag"], "-- ends the flags before TEXT"),
        Case("note add 1 --help", ["note", "add", "1", "--help"], "a bare flag before TEXT is still a word"),
        Case("note add 'x y' it's", ["note", "add", "x y", "it's"], "TEXT starts after the ID however it was quoted"),
        Case("ticket list # it's a comment", ["ticket", "list"], "outside TEXT a comment may hold a quote"),
        Case(incomplete: "note add 1 'it continues", "a TEXT that opens with a quote may continue"),
    ]

    @Test(arguments: cases)
    func tokenizes(_ row: Case) {
        #expect(Tokenizer.tokenize(row.input) == row.expected, "\(row.why)")
    }

    @Test func splitsWords() {
        #expect(Tokenizer.tokenize("a b") == .words(["a", "b"]))
    }

    /// How each word was written decides whether it may be a flag.
    @Test func scanKeepsHowEachWordWasWritten() {
        #expect(
            Tokenizer.scan(#"ticket list "--status" \--x --tag=a"#)
                == .complete([
                    Word("ticket"), Word("list"), Word("--status", .quoted), Word("--x", .quoted), Word("--tag=a"),
                ]))
        #expect(
            Tokenizer.scan(#"note add 2 "--not a flag""#)
                == .complete([Word("note"), Word("add"), Word("2"), Word("--not a flag", .restOfLine)]))
    }

    /// A quote left open over many lines is scanned once: 20,000 continuation lines take well under a second
    /// (re-scanning the pending text for each line took seconds).
    @Test func continuationIsLinearInTheInput() {
        var tokenizer = Tokenizer()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(tokenizer.append("ticket create --subject 'open") == .incomplete)
            for _ in 0..<20_000 {
                #expect(tokenizer.append("a line that ends the quote nowhere, ever") == .incomplete)
            }
            guard case .complete(let words) = tokenizer.append("closed'") else {
                Issue.record("the quote did not close")
                return
            }
            #expect(words.count == 4)
        }
        #expect(elapsed < .seconds(2))
    }

    /// Once the words so far rule out a TEXT argument (an unknown flag, a command without one), the tokenizer stops
    /// asking the command table, which walks the words each time: `note add --a --a …` stays linear.
    @Test(arguments: ["note add --a", "ticket list", "bogus words", "note list 1 2", "login --a"])
    func textStartIsAskedOnceItCanNeverStart(prefix: String) {
        final class Count: @unchecked Sendable { var calls = 0 }
        let count = Count()
        var tokenizer = Tokenizer { words in
            count.calls += 1
            return CommandTable.parser.textStart(after: words)
        }
        let line = prefix + String(repeating: " --a", count: 5_000)
        guard case .complete(let words) = tokenizer.append(line) else {
            Issue.record("\(prefix): incomplete")
            return
        }
        #expect(words.count > 5_000)
        #expect(count.calls <= 4, "\(prefix): asked \(count.calls) times")
    }

    /// Feeding lines one by one: incomplete until the quote closes, then one command.
    @Test func continuationLinesJoinIntoOneCommand() {
        let lines = [#"ticket create --subject "first"#, "second", #"third" --tag x"#]
        var text = lines[0]
        #expect(Tokenizer.tokenize(text) == .incomplete)
        text += "\n" + lines[1]
        #expect(Tokenizer.tokenize(text) == .incomplete)
        text += "\n" + lines[2]
        #expect(
            Tokenizer.tokenize(text) == .words(["ticket", "create", "--subject", "first\nsecond\nthird", "--tag", "x"]))
        var tokenizer = Tokenizer()
        #expect(tokenizer.append(lines[0]) == .incomplete)
        #expect(tokenizer.append(lines[1]) == .incomplete)
        #expect(tokenizer.scanResult(lines[2]) == ["ticket", "create", "--subject", "first\nsecond\nthird", "--tag", "x"])
        #expect(tokenizer.scanResult("whoami") == ["whoami"], "after a complete command it starts afresh")
    }
}

extension Tokenizer {
    /// The words of the line `append` completes with, or nil while it is incomplete.
    fileprivate mutating func scanResult(_ line: String) -> [String]? {
        guard case .complete(let words) = self.append(line) else { return nil }
        return words.map(\.text)
    }
}
