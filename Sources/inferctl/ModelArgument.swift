import ArgumentParser

/// The `NAME` argument of the commands that act on one model.
struct ModelArgument: ParsableArguments {
    @Argument(help: ArgumentHelp("The model's name (see `inferctl models`).", valueName: "name"))
    var name: String

    func validate() throws { try ModelName.validate(name) }
}
