"""Batch cleaning with Luigi: the chain of ``boilerstrip clean``, per shard and segment.

The corpus is cut into shards (:mod:`pipeline.batch.plan`). Each shard runs one
:class:`ShardTask` per segment of the chain (:data:`pipeline.chain.SEGMENTS`),
each with its own target, so a failed or killed run resumes from the last
completed segment::

    ShardTask(prepare): read, decode, extract, repair  ->  ShardTask(finish): strip, metadata, normalize
                                                            -> records.jsonl, summary.json  ->  CleanCorpus

Targets are content-addressed. A segment's key hashes the previous segment's
key (the first: the shard's members, their sizes and modification times, and
the read limit) with the chain's fingerprint for that segment: the package
version, the options each stage reads and the libraries it calls (rules
fingerprint, extractor versions, limits). Unchanged inputs are never redone,
and an edited rule reruns the finish segment only. Every file is written with
:func:`~pipeline.io.writers.open_output` (complete or absent), and ``_SUCCESS``
last.

Every task takes the same cleaning options as ``boilerstrip clean``, as Luigi
parameters built from :class:`~pipeline.options.CleanOptions` (and the batch
ones from :class:`~pipeline.options.BatchOptions`). Run it with
``boilerstrip batch`` or the plain Luigi way::

    luigi --module pipeline.batch.tasks CleanCorpus --input-dir in/ --output-dir out/ --local-scheduler --workers 2
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import Field, fields, replace
from fnmatch import fnmatch
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import luigi
from luigi.configuration import get_config
from luigi.task import BulkCompleteNotImplementedError

from pipeline import __version__
from pipeline.batch.plan import Plan, PlanMember, load_plan, make_plan, save_plan
from pipeline.batch.stagefile import iter_stage_file, read_stage_file, write_stage_file
from pipeline.chain import SEGMENT_NAMES, Chain, digest
from pipeline.corpus.templates import line_keys
from pipeline.document import Document, Reject, SkippedRecord
from pipeline.io import storage
from pipeline.io.writers import open_output
from pipeline.options import BatchOptions, CleanOptions, field_default, option_fields
from pipeline.report import RunStats, write_report

STAGES_DIRNAME = ".stages"

# Luigi exits 0 even when tasks failed unless told otherwise: make failures
# visible to `luigi --module pipeline.batch.tasks ...` too, unless luigi.cfg says otherwise.
RETCODES = {"unhandled_exception": 4, "missing_data": 3, "task_failed": 2, "scheduling_error": 5,
            "already_running": 6, "not_run": 0}


def _default_retcodes() -> None:
    config = get_config()
    if not config.has_section("retcode"):
        config.add_section("retcode")
    for name, code in RETCODES.items():
        if not config.has_option("retcode", name):
            config.set("retcode", name, str(code))


_default_retcodes()


# --- parameters from the options ----------------------------------------------------

def _parameter(f: Field[Any]) -> luigi.Parameter[Any]:
    """The Luigi parameter for one option field (its help text as the description)."""
    default = field_default(f)
    description = f.metadata["help"].format(default=default)
    if isinstance(default, bool):
        return luigi.BoolParameter(default=default, parsing=luigi.BoolParameter.EXPLICIT_PARSING,
                                   description=description)
    if isinstance(default, tuple):
        return luigi.ListParameter(default=default, description=description)  # a tuple, as Luigi keeps it
    if isinstance(default, int):
        return luigi.IntParameter(default=default, description=description)
    if isinstance(default, float):
        return luigi.FloatParameter(default=default, description=description)
    return luigi.Parameter(default=default, description=description)


def _parameters_of(options_class: type[CleanOptions | BatchOptions]) -> dict[str, luigi.Parameter[Any]]:
    return {f.name: _parameter(f) for f in option_fields(options_class)}


#: Mixins holding one Luigi parameter per option: every task takes every option.
CleanParameters = type("CleanParameters", (), _parameters_of(CleanOptions))
BatchParameters = type("BatchParameters", (), _parameters_of(BatchOptions))
_CLEAN_NAMES = tuple(f.name for f in option_fields(CleanOptions))
_BATCH_NAMES = tuple(f.name for f in option_fields(BatchOptions))
_TUPLE_NAMES = tuple(f.name for f in option_fields(CleanOptions) if isinstance(field_default(f), tuple))


def clean_options_of(task: luigi.Task) -> CleanOptions:
    """The CleanOptions a task's parameters describe."""
    values: dict[str, Any] = {name: getattr(task, name) for name in _CLEAN_NAMES}
    for name in _TUPLE_NAMES:  # Luigi hands lists (or its frozen tuples) back
        values[name] = tuple(values[name])
    return CleanOptions(**values)


def option_values(options: CleanOptions | BatchOptions) -> dict[str, Any]:
    """Keyword arguments for a task, from options (tuples become lists, as Luigi keeps them)."""
    return {f.name: list(v) if isinstance(v := getattr(options, f.name), tuple) else v
            for f in fields(options) if "flag" in f.metadata}


class StoreTarget(luigi.Target):
    """A file in an object store (``s3://...``), through :mod:`pipeline.io.storage`. Luigi asks a
    target only whether it exists; luigi.contrib.s3's targets would need boto3 besides s3fs,
    and only S3."""

    def __init__(self, path: str) -> None:
        self.path = path

    def exists(self) -> bool:
        return storage.exists(self.path)


#: What the tasks' outputs are: a path Luigi and the tasks can both use.
FileTarget = luigi.LocalTarget | StoreTarget


def target(path: str) -> FileTarget:
    """The Luigi target for a local path (Luigi's own LocalTarget) or an object in a store."""
    return StoreTarget(path) if storage.is_remote(path) else luigi.LocalTarget(path)


def log_run(work_dir: str, segment: str, shard: int) -> None:
    """Append 'segment shard pid' to WORK_DIR/runs.log: an audit of which process ran what.

    One short ``O_APPEND`` write per task, so concurrent workers never interleave. An object
    store cannot append: there, each task writes its own object ``WORK_DIR/runs/SEGMENT.SHARD.HOST.PID``
    holding 'segment shard host:pid'.
    """
    if storage.is_remote(work_dir):
        host = socket.gethostname()
        name = f"{segment}.{shard}.{host}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        with open_output(storage.join(work_dir, "runs", name)) as out:
            out.write(f"{segment} {shard} {host}:{os.getpid()}\n")
        return
    fd = os.open(Path(work_dir) / "runs.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{segment} {shard} {os.getpid()}\n".encode())
    finally:
        os.close(fd)


# --- per shard --------------------------------------------------------------------------

class ShardTask(CleanParameters, luigi.Task):  # type: ignore[misc,valid-type]
    """One segment of the chain on one shard: the first reads the shard's inputs, each later one
    the previous segment's stage file; the last writes the shard's records and summary."""

    work_dir = luigi.Parameter()
    plan_key = luigi.Parameter()
    shard = luigi.IntParameter()
    segment = luigi.ChoiceParameter(choices=SEGMENT_NAMES, var_type=str)

    @property
    def position(self) -> int:
        return SEGMENT_NAMES.index(self.segment)

    @property
    def is_last(self) -> bool:
        return self.position == len(SEGMENT_NAMES) - 1

    def options(self) -> CleanOptions:
        if getattr(self, "_options", None) is None:
            self._options = clean_options_of(self)
        return self._options

    def members(self) -> tuple[PlanMember, ...]:
        return load_plan(self.work_dir, self.plan_key).shards[self.shard]

    def previous(self) -> ShardTask | None:
        if self.position == 0:
            return None
        params = {name: getattr(self, name) for name in self.get_param_names()}
        return ShardTask(**{**params, "segment": SEGMENT_NAMES[self.position - 1]})

    def corpus_merges(self) -> list[CorpusMerge]:
        """The corpus-level tables the last segment reads (none when both passes are off)."""
        if not self.is_last:
            return []
        return [merge for merge in (final_templates(self), final_duplicates(self)) if merge is not None]

    def key(self) -> str:
        """What this segment's output is made from (computed once per task instance: Luigi
        reuses instances with equal parameters and asks for output() many times)."""
        if getattr(self, "_key", None) is None:
            previous = self.previous()
            upstream = previous.key() if previous else digest([list(m) for m in self.members()],
                                                               self.options().max_bytes)
            self._key = digest(upstream, Chain(self.options(), [self.segment]).fingerprint(),
                               [merge.key() for merge in self.corpus_merges()])
        return self._key

    def requires(self) -> list[luigi.Task]:
        previous = self.previous()
        found: list[luigi.Task] = [previous] if previous else []
        return found + list(self.corpus_merges())

    def output(self) -> Any:
        base = storage.join(self.work_dir, "shards", self.key())
        if self.is_last:
            return {"records": target(storage.join(base, "records.jsonl")),
                    "summary": target(storage.join(base, "summary.json"))}
        return target(storage.join(base, f"{self.segment}.jsonl"))

    def _inputs(self, timings: dict[str, float],
                skipped: dict[str, int]) -> Iterator[tuple[str, Document | Reject]]:
        if self.position == 0:
            for member in self.members():
                source = member.source(self.options().max_bytes)
                for item in source.documents(member.first_line, member.n_lines, member.offset):
                    if isinstance(item, SkippedRecord):  # counted, never cleaned (a WARC request, an image)
                        skipped[item.reason] = skipped.get(item.reason, 0) + 1
                        continue
                    yield item.id, item
            return
        stage_file = read_stage_file(self.input()[0].path)
        timings.update(stage_file.timings)
        skipped.update(stage_file.skipped_records)
        for item in stage_file.items:
            yield item.id, item

    def run(self) -> None:
        timings: dict[str, float] = {}
        skipped: dict[str, int] = {}
        options = self.options()
        if self.is_last:
            options = with_tables(options, final_templates(self), final_duplicates(self))
        chain = Chain(options, [self.segment])
        cleaned = (item for _, item in chain.stream(self._inputs(timings, skipped), timings))
        if self.is_last:
            self._finish(cleaned, timings, skipped)
        else:
            write_stage_file(self.output().path, cleaned, timings, skipped)
        log_run(self.work_dir, self.segment, self.shard)

    def _finish(self, cleaned: Iterator[Document | Reject], timings: dict[str, float],
                skipped: dict[str, int]) -> None:
        """Write the exact JSONL lines of ``clean`` and the shard's summary."""
        rejects: list[dict[str, Any]] = []
        removed_by_rule: Counter[str] = Counter()
        template_lines: dict[str, dict[str, tuple[str, int]]] = {}  # source -> line key -> (a text, documents)
        documents = marked = dropped = 0
        drop = self.options().drop_duplicates
        stats = RunStats()  # what report.html shows of this shard
        with open_output(self.output()["records"].path) as out:
            for item in cleaned:
                if isinstance(item, Reject):
                    rejects.append(item.to_record())
                    stats.add_reject(item)
                    continue
                stats.add_document(item, dropped=drop and item.duplicate_of is not None,
                                   source_by=self.options().source_by)
                documents += 1
                removed_by_rule.update(r.rule for r in item.removed)
                for r in item.removed:
                    if r.source is not None and r.documents is not None:
                        template_lines.setdefault(r.source, {}).setdefault(line_keys(r.text)[0], (r.text, r.documents))
                if item.duplicate_of is not None:
                    marked += 1
                    if drop:
                        dropped += 1
                        continue
                out.write(item.to_json_line())
        summary = {"documents": documents, "rejects": rejects, "removed_by_rule": dict(removed_by_rule),
                   "duplicates_marked": marked, "duplicates_dropped": dropped, "template_lines": template_lines,
                   "skipped_records": skipped, "timings": timings, "report": stats.to_json()}
        with open_output(self.output()["summary"].path) as out:
            json.dump(summary, out, ensure_ascii=False)


# --- corpus-level passes -----------------------------------------------------------------
# Three steps between the chain's segments (pipeline/corpus/passes.py says why): signatures of the
# content text -> duplicates for counting; template line counts of the kept documents -> the
# template table; signatures of the content text less template lines -> the duplicates to mark.
# Each step is a task per shard and one merge, with its own files, so it resumes like the rest.

COUNTING_SIGNATURES, COUNTS, FINAL_SIGNATURES = "signatures-for-counting", "counts", "signatures"
COUNTING_DUPLICATES, TEMPLATES, DUPLICATES = "duplicates-for-counting", "templates", "duplicates"
_SHARD_STEPS = (COUNTING_SIGNATURES, COUNTS, FINAL_SIGNATURES)
_MERGES = {COUNTING_DUPLICATES: COUNTING_SIGNATURES, TEMPLATES: COUNTS, DUPLICATES: FINAL_SIGNATURES}


def _corpus_params(task: luigi.Task) -> dict[str, Any]:
    """The parameters every corpus-level task shares with the shard tasks."""
    names = ("work_dir", "plan_key", *_CLEAN_NAMES)
    return {name: getattr(task, name) for name in names}


def final_templates(task: Any) -> CorpusMerge | None:
    """The template table the finish segment reads (None: template lines are off)."""
    return CorpusMerge(step=TEMPLATES, **_corpus_params(task)) if task.template_lines else None


def final_duplicates(task: Any) -> CorpusMerge | None:
    """The duplicate marks the finish segment reads (None: duplicates are off)."""
    if not task.duplicates:
        return None
    step = DUPLICATES if task.template_lines else COUNTING_DUPLICATES
    return CorpusMerge(step=step, **_corpus_params(task))


def with_tables(options: CleanOptions, templates: CorpusMerge | None, duplicates: CorpusMerge | None) -> CleanOptions:
    """``options`` with the tables the merges wrote."""
    from pipeline.corpus.passes import DuplicateMarks
    from pipeline.corpus.templates import TemplateTable

    table = TemplateTable.from_json(templates.load()) if templates is not None else None
    marks = DuplicateMarks.from_json(duplicates.load()) if duplicates is not None else None
    return replace(options, templates=table, duplicate_marks=marks)


class CorpusStep(CleanParameters, luigi.Task):  # type: ignore[misc,valid-type]
    """One step of the corpus-level pass on one shard's prepared documents."""

    work_dir = luigi.Parameter()
    plan_key = luigi.Parameter()
    shard = luigi.IntParameter()
    step = luigi.ChoiceParameter(choices=_SHARD_STEPS, var_type=str)

    def prepared(self) -> ShardTask:
        return ShardTask(shard=self.shard, segment=SEGMENT_NAMES[0], **_corpus_params(self))

    def upstream(self) -> CorpusMerge | None:
        """The corpus-wide table this step needs: the duplicates to leave out of the counts, or
        the template table to leave out of the signatures."""
        if self.step == COUNTS and self.duplicates:
            return CorpusMerge(step=COUNTING_DUPLICATES, **_corpus_params(self))
        if self.step == FINAL_SIGNATURES:
            return CorpusMerge(step=TEMPLATES, **_corpus_params(self))
        return None

    def requires(self) -> list[luigi.Task]:
        upstream = self.upstream()
        found: list[luigi.Task] = [self.prepared()]
        return found + ([upstream] if upstream else [])

    def key(self) -> str:
        if getattr(self, "_key", None) is None:
            from pipeline.corpus.duplicates import DEFAULT_PARAMS

            options = self.options()
            upstream = self.upstream()
            self._key = digest(self.step, self.prepared().key(), upstream.key() if upstream else None,
                               options.ruleset().fingerprint, options.source_by, options.match_timeout,
                               DEFAULT_PARAMS.signature_fingerprint())
        return self._key

    def options(self) -> CleanOptions:
        return clean_options_of(self)

    def output(self) -> FileTarget:
        suffix = "json" if self.step == COUNTS else "bin"
        return target(storage.join(self.work_dir, "corpus", self.key(), f"{self.step}.{suffix}"))

    def run(self) -> None:
        from pipeline.corpus.duplicates import write_signatures
        from pipeline.corpus.passes import count_templates, document_key, signature_of

        options = self.options()
        documents = [item for item in iter_stage_file(self.prepared().output().path) if isinstance(item, Document)]
        if self.step == COUNTS:
            upstream = self.upstream()
            marks = with_tables(options, None, upstream).duplicate_marks if upstream else None
            counts = count_templates(documents, options, marks)
            with open_output(self.output().path) as out:
                json.dump(counts.to_json(), out)
        else:
            table = with_tables(options, self.upstream(), None).templates if self.step == FINAL_SIGNATURES else None
            with open_output(self.output().path, binary=True) as raw:
                keys = [document_key(doc) for doc in documents]
                raw.write(json.dumps(keys).encode() + b"\n")
                write_signatures(raw, (signature_of(doc, options, table) for doc in documents))
        log_run(self.work_dir, self.step, self.shard)


class CorpusMerge(CleanParameters, luigi.Task):  # type: ignore[misc,valid-type]
    """One corpus-wide table from every shard's step: duplicate clusters, or the template table."""

    work_dir = luigi.Parameter()
    plan_key = luigi.Parameter()
    step = luigi.ChoiceParameter(choices=tuple(_MERGES), var_type=str)

    def shard_steps(self) -> list[CorpusStep]:
        shards = len(load_plan(self.work_dir, self.plan_key).shards)
        return [CorpusStep(shard=i, step=_MERGES[self.step], **_corpus_params(self)) for i in range(shards)]

    def requires(self) -> list[CorpusStep]:
        return self.shard_steps()

    def key(self) -> str:
        if getattr(self, "_key", None) is None:
            options = clean_options_of(self)
            thresholds = (options.template_min_documents, options.template_min_share) if self.step == TEMPLATES else ()
            self._key = digest(self.step, [step.key() for step in self.shard_steps()], thresholds)
        return self._key

    def output(self) -> FileTarget:
        return target(storage.join(self.work_dir, "corpus", self.key(), f"{self.step}.json"))

    def load(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(storage.read_text(self.output().path))
        return loaded

    def run(self) -> None:
        if self.step == TEMPLATES:
            from pipeline.corpus.templates import TemplateCounts

            options = clean_options_of(self)
            counts = TemplateCounts()
            for step in self.shard_steps():
                counts.merge(TemplateCounts.from_json(json.loads(storage.read_text(step.output().path))))
            result: dict[str, Any] = counts.table(options.template_min_documents, options.template_min_share).to_json()
        else:
            from pipeline.corpus.passes import find_marks

            result = find_marks(self._keyed_signatures()).to_json()
        with open_output(self.output().path) as out:
            json.dump(result, out, ensure_ascii=False)
        log_run(self.work_dir, self.step, -1)

    def _keyed_signatures(self) -> Iterator[tuple[str, Any]]:
        """Every shard's ``(document key, signature)`` pairs, in corpus order, one at a time."""
        from pipeline.corpus.duplicates import read_signatures

        for step in self.shard_steps():
            with storage.open_input(step.output().path) as raw:
                keys = json.loads(raw.readline())
                yield from zip(keys, read_signatures(raw), strict=True)


# --- the corpus -------------------------------------------------------------------------

class CleanCorpus(CleanParameters, BatchParameters, luigi.Task):  # type: ignore[misc,valid-type]
    """Clean every document under ``input_dir`` into ``output_dir/part-NNNNN.jsonl``.

    Also writes ``rejects.jsonl`` (documents that could not be processed, and
    why), ``manifest.json``, and finally ``_SUCCESS``. Complete only when
    ``_SUCCESS`` exists *and* the manifest was made from the current inputs,
    rules and options.
    """

    input_dir = luigi.Parameter()
    output_dir = luigi.Parameter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan: Plan | None = None

    @property
    def stages_dir(self) -> str:
        return self.work_dir or storage.join(self.output_dir, STAGES_DIRNAME)

    def options(self) -> CleanOptions:
        return clean_options_of(self)

    def plan(self) -> Plan:
        if self._plan is None:
            if not storage.is_dir(self.input_dir):
                raise FileNotFoundError(f"input directory not found: {self.input_dir}")
            self._plan = make_plan(self.input_dir, self.shard_size)
            save_plan(self.stages_dir, self._plan)
        return self._plan

    def run_key(self) -> str:
        """What the outputs were made from: inputs, chain (options, rules, versions), output form."""
        return digest(self.plan().key, self.options().max_bytes, Chain(self.options()).fingerprint(), self.gzip_output,
                      *([self.output_format] if self.output_format != "jsonl" else []))

    def requires(self) -> list[ShardTask]:
        plan = self.plan()
        clean = {name: getattr(self, name) for name in _CLEAN_NAMES}
        return [ShardTask(work_dir=self.stages_dir, plan_key=plan.key, shard=i, segment=SEGMENT_NAMES[-1], **clean)
                for i in range(len(plan.shards))]

    def output(self) -> FileTarget:
        return target(storage.join(self.output_dir, "_SUCCESS"))

    def complete(self) -> bool:
        manifest = storage.join(self.output_dir, "manifest.json")
        if not (self.output().exists() and storage.exists(manifest)):
            return False
        try:
            return bool(json.loads(storage.read_text(manifest)).get("run_key") == self.run_key())
        except (ValueError, OSError):
            return False

    def part_name(self, index: int) -> str:
        if self.output_format == "parquet":
            return f"part-{index:05d}.parquet"
        return f"part-{index:05d}.jsonl" + (".gz" if self.gzip_output else "")

    def run(self) -> None:
        out_dir = self.output_dir
        if not storage.is_remote(out_dir):
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        success = self.output().path
        storage.remove(success)  # outputs are about to change: not a success until the end
        plan = self.plan()
        shards: list[dict[str, Any]] = []
        all_rejects: list[dict[str, Any]] = self._unlisted_directories(plan)
        removed: Counter[str] = Counter()
        timings: Counter[str] = Counter()
        skipped_records: Counter[str] = Counter()
        template_texts: dict[str, dict[str, tuple[str, int]]] = {}
        marked = dropped = 0
        stats = RunStats()
        for reject in all_rejects:
            stats.add_reject(Reject.from_record(reject))
        for index, task in enumerate(self.requires()):
            summary = json.loads(storage.read_text(task.output()["summary"].path))
            stats.merge(RunStats.from_json(summary["report"]))
            for source, lines in summary.get("template_lines", {}).items():
                for key, (text, documents) in lines.items():
                    template_texts.setdefault(source, {}).setdefault(key, (text, documents))
            marked += summary.get("duplicates_marked", 0)
            dropped += summary.get("duplicates_dropped", 0)
            part = self.part_name(index)
            self._publish(task.output()["records"].path, storage.join(out_dir, part))
            shards.append({"part": part, "inputs": summary["documents"] + len(summary["rejects"]),
                           "documents": summary["documents"], "rejected": len(summary["rejects"])})
            all_rejects += summary["rejects"]
            removed.update(summary["removed_by_rule"])
            timings.update(summary["timings"])
            skipped_records.update(summary.get("skipped_records", {}))
        keep = {s["part"] for s in shards}
        parts = ("part-*.jsonl*", "part-*.parquet")
        if storage.is_remote(out_dir):
            for name in storage.names_in(out_dir):
                if any(fnmatch(name, pattern) for pattern in parts) and name not in keep:
                    storage.remove(storage.join(out_dir, name))
        else:
            for stale in [stale for pattern in parts for stale in Path(out_dir).glob(pattern)]:
                if stale.name not in keep:
                    stale.unlink()
        with open_output(storage.join(out_dir, "rejects.jsonl")) as out:
            for reject in all_rejects:
                out.write(json.dumps(reject, ensure_ascii=False) + "\n")
        corpus = self._write_corpus_tables(out_dir, template_texts, removed.get("template-line", 0), marked, dropped)
        manifest = {
            "package_version": __version__,
            "run_key": self.run_key(),
            "input_dir": self.input_dir,
            "files": plan.files,
            "inputs": sum(s["inputs"] for s in shards),
            "documents": sum(s["documents"] for s in shards),
            "rejected": all_rejects,
            "skipped": [{"path": s.path, "reason": s.reason, **({"error": True} if s.error else {})}
                        for s in plan.skipped],
            "skipped_records": dict(sorted(skipped_records.items(), key=lambda kv: (-kv[1], kv[0]))),
            "shard_size": self.shard_size,
            "shards": shards,
            "rules_fingerprint": self.options().ruleset().fingerprint,
            "removed_by_rule": dict(sorted(removed.items())),
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
            "filtered": dict(sorted(stats.filtered.items())),
            **corpus,
        }
        with open_output(storage.join(out_dir, "manifest.json")) as out:
            json.dump(manifest, out, ensure_ascii=False, indent=1)
        stats.add_timings(dict(timings))
        stats.input_bytes = plan.total_bytes
        write_report(storage.join(out_dir, "report.html"), stats, "boilerstrip batch: run report",
                     f"{self.input_dir} · {plan.files:,} files in {len(shards):,} shards · boilerstrip {__version__}")
        with open_output(success) as out:
            out.write("")
        if self.remove_stages:
            storage.remove_tree(self.stages_dir)

    def _write_corpus_tables(self, out_dir: str, template_texts: dict[str, dict[str, tuple[str, int]]],
                             template_removed: int,
                             marked: int, dropped: int) -> dict[str, Any]:
        """``templates.json`` (per source, its template lines, the most frequent first: what a
        person can read of what was learned) and ``duplicates.jsonl`` (the clusters), and what
        the manifest says of both."""
        found: dict[str, Any] = {}
        shard_params = SimpleNamespace(work_dir=self.stages_dir, plan_key=self.plan().key,
                                       **{name: getattr(self, name) for name in _CLEAN_NAMES})
        templates = final_templates(shard_params)
        if templates is not None:
            table = templates.load()
            readable = {source: {"documents": table["documents"].get(source, 0), "template_lines": len(lines),
                                 "lines": [{"text": text, "documents": n} for text, n in
                                           sorted(template_texts.get(source, {}).values(), key=lambda v: (-v[1], v[0]))]}
                        for source, lines in sorted(table["lines"].items())}
            with open_output(storage.join(out_dir, "templates.json")) as out:
                json.dump(readable, out, ensure_ascii=False, indent=1)
            found["templates"] = {"sources": len(readable), "lines": sum(v["template_lines"] for v in readable.values()),
                                  "removed": template_removed}
        duplicates = final_duplicates(shard_params)
        if duplicates is not None:
            clusters = duplicates.load()["clusters"]
            with open_output(storage.join(out_dir, "duplicates.jsonl")) as out:
                for cluster in clusters:
                    out.write(json.dumps(cluster, ensure_ascii=False) + "\n")
            found["duplicates"] = {"clusters": len(clusters), "marked": marked, "dropped": dropped}
        return found

    def _unlisted_directories(self, plan: Plan) -> list[dict[str, Any]]:
        """Rejects for directories that could not be listed: their documents are unaccounted for."""
        rejects = []
        for entry in plan.skipped:
            if entry.error:
                path = Path(entry.path)
                doc_id = path.relative_to(self.input_dir).as_posix() \
                    if not storage.is_remote(entry.path) and path.is_relative_to(self.input_dir) else entry.path
                rejects.append(Reject(doc_id, entry.path, "read", "InputNotFoundError", entry.reason).to_record())
        return rejects

    def _publish(self, source: str, target: str) -> None:
        """Copy a shard's records to their part file, atomically (gzip without a timestamp;
        Parquet a row group at a time). Within one store, a JSONL part is copied by the store
        itself (one request; the part appears whole)."""
        plain = not self.gzip_output and self.output_format != "parquet"
        if plain and storage.is_remote(target) and source.split("://")[0] == target.split("://")[0]:
            storage.copy(source, target)
            return
        with storage.open_input(source) as records, open_output(target, binary=True) as raw:
            if self.output_format == "parquet":
                import orjson

                from pipeline.io.parquet import ParquetRecords

                table = ParquetRecords(raw)
                for line in records:
                    table.write(orjson.loads(line))
                table.close()
            elif self.gzip_output:
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
                    shutil.copyfileobj(records, out)
            else:
                shutil.copyfileobj(records, raw)


# --- dated runs ---------------------------------------------------------------------------

class InputDirectory(luigi.ExternalTask):
    """A directory of raw documents that something else (a crawler) produces."""

    path = luigi.Parameter()

    def output(self) -> FileTarget:
        return target(self.path)


class CleanDaily(CleanParameters, BatchParameters, luigi.Task):  # type: ignore[misc,valid-type]
    """Clean ``INPUT_ROOT/YYYY-MM-DD/`` into ``OUTPUT_ROOT/YYYY-MM-DD/``; for cron and RangeDaily
    backfills. Takes every option :class:`CleanCorpus` takes and hands them all on."""

    date = luigi.DateParameter()
    input_root = luigi.Parameter()
    output_root = luigi.Parameter()

    def corpus(self) -> CleanCorpus:
        day = self.date.isoformat()
        options = {name: getattr(self, name) for name in _CLEAN_NAMES + _BATCH_NAMES}
        return CleanCorpus(input_dir=storage.join(self.input_root, day), output_dir=storage.join(self.output_root, day),
                           **options)

    def requires(self) -> InputDirectory:
        return InputDirectory(path=storage.join(self.input_root, self.date.isoformat()))

    def complete(self) -> bool:
        return bool(self.requires().complete() and self.corpus().complete())

    @classmethod
    def bulk_complete(cls, dates: Iterable[Any]) -> list[Any]:
        """The days of a ``RangeDaily`` backfill that are complete, when the roots are in a store.

        Without this, RangeDaily infers completeness by globbing the outputs of Luigi's own
        file-system targets; a store's outputs are :class:`StoreTarget` instead, so each day is
        asked as the scheduler would ask it. Local roots keep Luigi's inference."""
        days = list(dates)
        tasks = [cls(date=day) for day in days]
        if not tasks or not storage.is_remote(tasks[0].output_root):
            raise BulkCompleteNotImplementedError()
        return [day for day, task in zip(days, tasks, strict=True) if task.complete()]

    def output(self) -> FileTarget:
        return self.corpus().output()

    def run(self) -> Iterator[CleanCorpus]:
        yield self.corpus()  # a dynamic dependency: planned once the input directory exists
