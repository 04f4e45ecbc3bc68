"""Platform service (package ``platforms``, not to shadow the stdlib ``platform``): the four
platforms of grassroots governance, command centres, grids and event dispatch."""
