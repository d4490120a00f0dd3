"""The lecture's two interactive exercises: an engine (plain torch, testable) and an ipywidgets app for each.

``playground`` / ``playground_app``: the 2-D playground (exercise 1, notebook 05).
``mnist_init`` / ``mnist_init_app``: the 5-layer MNIST network (exercise 2, notebook 06).
``app``: what both apps share (buttons, the Play timer, PNG rendering, the display hook).
"""
