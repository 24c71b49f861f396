"""The rule expression language: parse, type-check, compile to functions built from ast nodes
(never eval/exec of text)."""
