"""One recording pipeline for every front end: `recdesk-record`, the desktop and the worker.

```
opening   stream ids; inputs opened in turn or in parallel; start_mix, open_mix
layouts   DEFAULT_CANVAS, default_layout; --size and --layout of the command line
members   MixMembers: who a running mix mixes, as participants join and leave
outputs   OutputRequest → Outputs: the sinks, the snapshotter, the part of each file
naming    how files and parts are named: plain, or numbered so that none is written over
ending    EndReason, Ending: how a recording ended, the same words everywhere
```

Each front end says what is its own (how an input is opened, how parts are named, what it reports)
and calls these for the rest. Nothing is imported here, so that the engine's own modules
(`app.media.remux` uses `ending`) can import a piece without the whole.
"""
