"""State changes: they add and flush, the caller (a view or a command) commits once."""
