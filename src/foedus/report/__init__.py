"""Reports and plots: faces that draw what the lenses computed."""
