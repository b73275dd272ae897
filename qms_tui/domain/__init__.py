"""Pure domain: enums, clause catalogue, state machines, indicator maths, field specs."""
