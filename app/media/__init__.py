"""The media engine: PyAV sources, the remuxer, sinks, and the `recdesk-record` command.

```
sources/   MediaSource: files and URLs (container), looping live files (livefile), devices
plan       stream type + output name → the files to write (OutputPlan)
remux      Remuxer: the packet loop (start gate, rebase, duration, stop)
sinks/     MediaSink: one container file or HLS playlist per output (container)
transcode  the one-stream re-encode for codecs a container cannot hold
formats    the container table and output naming
fileinfo   FileInfo / StreamInfo: what a finished file is
capabilities  protocols and formats of the bundled FFmpeg, read at run time
cli        recdesk-record
```

Imports PyAV, `app.errors` and (later) `app.layout`; never HTTP, asyncio servers, tasks, the
database or Qt.
"""
