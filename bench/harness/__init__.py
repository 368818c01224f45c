"""Pieces of the runtime benchmark, kept apart so each can be read (and tested) alone.

`bench/run.py` wires them together: `tools` builds and installs, `fixtures` creates the
throw-away database and Redis key, `peers` starts and stops the servers, `load` drives
oha and parses its JSON, `report` turns the numbers into the Markdown and JSON files.
Standard library only, so the bench runs wherever `python3` does.
"""
