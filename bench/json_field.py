#!/usr/bin/env python3
"""Prints one field of the JSON object a tool wrote on stdout (the whole output, or its last line)."""
import json
import sys

text = sys.stdin.read().strip()
try:
    value = json.loads(text)
except ValueError:
    value = json.loads(text.splitlines()[-1])
print(value.get(sys.argv[1], -1))
