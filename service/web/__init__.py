"""The web pages: server-rendered Jinja2, Chinese by default, maps drawn by maps/."""
