"""Errors the bot reports to users as one line."""


class BotError(Exception):
    """Base class: the message is fit to show a user as is."""


class EmptyQuestion(BotError):
    def __init__(self) -> None:
        super().__init__("質問が空です / the question is empty")
