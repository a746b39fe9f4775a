"""Question types: one class a module (base.py says what a type holds), listed in registry.py."""
