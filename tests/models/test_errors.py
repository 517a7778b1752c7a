from models.errors import ErrorCode, Rejected, redacted_traceback


def test_describe_gives_code_message_and_remedy():
    error = Rejected("the PDF needs a password", code=ErrorCode.ENCRYPTED_PDF)
    text = error.describe()
    assert text.startswith("encrypted_pdf: the PDF needs a password.")
    assert "unprotected copy" in text


def test_redacted_traceback_keeps_the_stack_but_not_the_message():
    def parse(value: str) -> int:
        return int(value)

    secret = "".join(["Ja", "ne", " Doe"])  # built at run time: the source lines never hold it
    try:
        parse(secret)
    except ValueError as exc:
        text = redacted_traceback(exc)
    assert "ValueError" in text
    assert "in parse" in text
    assert "Jane" not in text
