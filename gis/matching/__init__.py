"""Matching: which sites fit a project (and which projects fit a site), ranked and explained."""
