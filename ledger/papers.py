"""The page sizes a brief is laid out for (key -> the name people know): a module of its own, so the
command line's parser lists them without loading the brief."""

PAPERS = {"a4": "A4", "letter": "US Letter"}
