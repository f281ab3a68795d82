"""The ways an import stops. Each becomes a Berth error with a message and a way forward; a Python
traceback is never the only thing the user sees."""


class ImportProblem(Exception):
    """`code` picks the message on Berth's side; `facts` fill it in."""

    def __init__(self, code, **facts):
        super().__init__(code)
        self.code = code
        self.facts = facts


def missing_module(error, needed_for):
    """A framework or converter that is not installed in this Python."""
    name = (getattr(error, "name", None) or str(error)).split(".")[0]
    return ImportProblem("missing-package", package=name, neededFor=needed_for)


def first_line(error):
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:500]


def root_cause(error):
    """The innermost exception: converters wrap the useful message in a long one of their own."""
    while (error.__cause__ or error.__context__) is not None:
        error = error.__cause__ or error.__context__
    return error
