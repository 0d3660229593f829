"""``flask`` management commands, one module per topic."""
