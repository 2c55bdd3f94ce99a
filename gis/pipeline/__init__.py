"""The investment pipeline (招商项目库): projects from first lead to 开工, their follow-ups, reviews,
duplicates, and the reports rebuilt from their dated stage events."""
