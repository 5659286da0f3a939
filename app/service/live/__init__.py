"""Live streams as the service shows them: current pictures and streams re-served over HTTP."""
