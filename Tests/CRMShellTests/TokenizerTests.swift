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
    ]

    @Test(arguments: cases)
    func tokenizes(_ row: Case) {
        #expect(Tokenizer.tokenize(row.input) == row.expected, "\(row.why)")
    }

    @Test func splitsWords() {
        #expect(Tokenizer.tokenize("a b") == .words(["a", "b"]))
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
    }
}
