"""The rule expression language: parse, type-check, compile to closures (never eval/exec)."""
