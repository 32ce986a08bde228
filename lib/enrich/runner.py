"""Enrichment as a resumable job: pending tracks in batches, each batch stored in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lib.clock import stored_now
from lib.config import Settings
from lib.enrich.errors import EnrichError, ProviderUnavailable
from lib.enrich.model import BatchResult
from lib.enrich.registry import get_feature_provider
from lib.store import create_job, enrichment_store, get_job, latest_job, set_job_status, update_job
from lib.store.catalog import write_enrichment_values
from lib.store.db import Library

Progress = Callable[[int, int, str], None]


@dataclass
class EnrichResult:
    """What a run did; status is the job's final status (done, paused or failed)."""

    job_id: int
    provider: str
    status: str
    processed: int = 0
    ok: int = 0
    no_data: int = 0
    errors: int = 0
    requests: int = 0
    remaining: int = 0
    message: str = ""


def _store_batch(library: Library, spec, batch: BatchResult) -> None:
    with library.write() as w:
        cur = w.cur
        for write in batch.writes:
            write(cur)
        enrichment_store.cache_put(cur, spec.id, spec.version, batch.cache)
        values = [v for t in batch.tracks for v in t.to_values(spec.origin)]
        write_enrichment_values(cur, values)
        enrichment_store.write_status(cur, spec.id, spec.version,
                                      [(t.track_id, t.status, t.detail) for t in batch.tracks])
        w.touch(tracks=[t.track_id for t in batch.tracks])


def resumable_job(library: Library, provider_id: str):
    """The provider's last job if it was paused, failed or interrupted (what a Resume button continues);
    a job still running in another process is not."""
    job = latest_job(library, "enrich", provider_id)
    return job if job is not None and job.status in ("paused", "failed", "interrupted") else None


def run_enrichment(library: Library, provider_id: str, settings: Settings, *, limit: int | None = None,
                   progress: Progress | None = None, session=None, resume_job_id: int | None = None,
                   provider=None) -> EnrichResult:
    """Enrich tracks that lack this provider's data (or have it from an older version).

    Tracks are taken in a stable order and each batch is committed before the next one is asked
    for, so an interruption loses at most the batch in flight; rerunning (or resuming) continues
    with what is still pending.
    """
    spec = get_feature_provider(provider_id)
    provider = provider or spec.build(library, settings, session)
    if resume_job_id is not None:
        job = get_job(library, resume_job_id)
        if job is None or job.kind != "enrich" or job.target != provider_id:
            raise EnrichError(f"no enrichment job {resume_job_id} for {provider_id}")
        if job.paused_until and job.paused_until > stored_now():
            raise EnrichError(f"{spec.label} asked us to wait until {job.paused_until:%H:%M:%S} UTC;"
                              " resume after that.")
        job_id = job.job_id
        set_job_status(library, job_id, "running", "resumed")
    else:
        job_id = create_job(library, "enrich", provider_id, message=f"{spec.label}: started")
    pending = enrichment_store.pending_tracks(library, spec.id, spec.version, require=spec.require, limit=limit)
    total = len(pending)
    result = EnrichResult(job_id=job_id, provider=provider_id, status="running")

    def account(batch: BatchResult) -> None:
        _store_batch(library, spec, batch)
        result.processed += len(batch.tracks)
        result.requests += batch.requests
        for t in batch.tracks:
            name = t.status if t.status in ("ok", "no_data") else "errors"
            setattr(result, name, getattr(result, name) + 1)
        update_job(library, job_id, add_requests=batch.requests,
                   progress={"done": result.processed, "total": total, "ok": result.ok,
                             "no_data": result.no_data, "errors": result.errors},
                   resume_state={"last_track_id": batch.tracks[-1].track_id} if batch.tracks else None)

    try:
        if progress:
            progress(0, total, f"{spec.label}: {total} track(s) to look up")
        for start in range(0, total, provider.batch_size):
            account(provider.enrich(pending.iloc[start:start + provider.batch_size]))
            if progress:
                progress(result.processed, total, f"{spec.label}: {result.processed}/{total} "
                                                  f"({result.ok} found, {result.no_data} without data)")
    except ProviderUnavailable as exc:
        if exc.partial is not None and (exc.partial.tracks or exc.partial.writes or exc.partial.cache):
            account(exc.partial)
        result.status, result.message = "paused", str(exc)
        set_job_status(library, job_id, "paused", str(exc), paused_until=exc.until)
    except Exception as exc:
        result.status, result.message = "failed", f"{spec.label} failed: {exc}"
        set_job_status(library, job_id, "failed", result.message)
        raise
    else:
        result.status = "done"
        result.message = (f"{spec.label}: {result.processed} track(s), {result.ok} with data, "
                          f"{result.no_data} without, {result.errors} error(s), {result.requests} request(s)")
        set_job_status(library, job_id, "done", result.message)
    result.remaining = enrichment_store.count_pending(library, spec.id, spec.version, require=spec.require)
    return result
