"""Counterfactuals: modified commitment systems and the same metrics before and after."""
