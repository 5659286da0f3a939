"""Mixed recording: several participants composed by a layout into one stream.

- `graph`   the video filter graph built from a layout; `render_preview`.
- `images`  layout images: resolved by the caller's `ImageSource`, decoded from memory.
- `inputs`  one participant decoded onto the mix's timeline.
- `levels`  each participant's level and silence, measured as the mix takes its sound.
- `source`  the mix as a `MediaSource`, so the remuxer records it like any other.
"""
