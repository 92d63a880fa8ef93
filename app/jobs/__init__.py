"""Imports and exports as jobs over HTTP (issue 18): taking uploads, queueing, running them in
workers (`runner`) and handing out their results and export zips."""
