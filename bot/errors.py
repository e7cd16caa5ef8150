"""Errors the bot reports to users as one line."""


class BotError(Exception):
    """Base class: the message is fit to show a user as is."""


class EmptyQuestion(BotError):
    def __init__(self) -> None:
        super().__init__("質問が空です / the question is empty")


class DataDirNotWritable(BotError):
    """The data folder (models, local store, feedback) cannot be written."""

    def __init__(self, folder: str, reason: str) -> None:
        super().__init__(
            f"the data folder {folder} is not writable ({reason}); "
            "give a writable folder with --data-dir or SMENAVI_DATA_DIR"
        )
