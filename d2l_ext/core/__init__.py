"""The course's core: configuration, argument checks, datasets, data modules, the training loop and plots."""
