"""The demo world, above every app: each app's demo.py builds its part of the world it is given, and
world.demo_run runs them in order (STYLE: the ground floor stays the ground)."""
