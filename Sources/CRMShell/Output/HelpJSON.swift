import CRMDomain

/// `help` in `json` format (DESIGN §5.4): the commands listed, each with its usage line, summary and whether the
/// caller's role may run it. `{"commands":[{"allowed":true,"command":"ticket list","summary":…,"usage":…}]}`.
struct CommandListJSON: JSONWritable, Sendable {
    let commands: [CommandSpec]
    let permissions: Set<Permission>

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("commands")
        json.beginArray()
        for command in self.commands {
            json.beginObject()
            json.field("allowed", command.permission.map(self.permissions.contains) ?? true)
            json.field("command", command.name)
            json.field("summary", command.summary)
            json.field("usage", command.usage)
            json.endObject()
        }
        json.endArray()
        json.endObject()
    }
}

/// `help COMMAND` (and `COMMAND --help`) in `json` format: what `COMMAND --help` prints, as fields.
/// `{"arguments":[…],"command":…,"examples":[…],"flags":[{"flag":"--subject","help":…,"repeatable":false,
/// "required":false,"value":"SUBJECT"}],"permission":"ticket.update","summary":…,"usage":…}`.
struct CommandHelpJSON: JSONWritable, Sendable {
    let command: CommandSpec

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("arguments")
        json.beginArray()
        for argument in self.command.arguments {
            json.beginObject()
            json.field("name", argument.name)
            json.field("optional", argument.isOptional)
            json.field("rest", argument.takesRest)
            json.endObject()
        }
        json.endArray()
        json.field("command", self.command.name)
        json.field("examples", self.command.examples)
        json.key("flags")
        json.beginArray()
        for flag in self.command.flags {
            json.beginObject()
            json.field("flag", "--" + flag.name)
            json.field("help", flag.help)
            json.field("repeatable", flag.isRepeatable)
            json.field("required", flag.isRequired)
            json.field("value", flag.kind.map(flag.valueName(for:)))
            json.endObject()
        }
        json.endArray()
        json.field("permission", self.command.permission?.rawValue)
        json.field("summary", self.command.summary)
        json.field("usage", self.command.usage)
        json.endObject()
    }
}
