"""Where recording workers run: the seam (`backend`), its settings (`[cluster]`), and the Ray
backend (`ray/`, the only code that imports Ray). The local backend is the worker pool
(`app.service.recordings.supervisor.WorkerPool`)."""
