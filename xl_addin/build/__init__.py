"""Building and installing the .xlam: ribbon XML, VBA project, compound file."""
