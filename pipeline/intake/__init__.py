"""Intake: the drop folder. Which file is which kind (by its name), whether it is complete,
its checksum, the archive copy kept before anything reads it, and quarantine for files that
cannot be used at all. `guard` refuses hostile files from the outside, before any parser."""
