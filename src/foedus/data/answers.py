"""The data commands' answers, typed: ``foedus data list|cite|pull|build|status`` and
``foedus summary``, each with ``to_json()`` (what ``--json`` prints) and its provenance.

The verbs (re-exported by :mod:`foedus`): :func:`list_datasets`, :func:`cite`,
:func:`pull_datasets`, :func:`build_store`, :func:`store_status` and :func:`summarize`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import Field

from foedus._validation import TypeOf, validate_params
from foedus.answer import TypedAnswer
from foedus.data import store
from foedus.data.fetch import ProgressFactory, pull
from foedus.data.summary import summary
from foedus.params import SUMMARY
from foedus.provenance import Provenance
from foedus.registry import dataset, datasets

__all__ = ["BuildAnswer", "CiteAnswer", "DatasetsAnswer", "PullAnswer", "StatusAnswer",
           "SummaryAnswer", "build_store", "cite", "list_datasets", "pull_datasets",
           "store_status", "summarize"]

Origin = Literal["cache", "mirror", "url", "official"]


class DatasetEntry(TypedAnswer):
    """One registered dataset as ``data list`` shows it."""

    name: str
    title: str
    version: str
    coverage: str
    file: str
    url: str


class DatasetsAnswer(TypedAnswer):
    """``foedus data list --json``: the registered datasets."""

    datasets: list[DatasetEntry]
    provenance: Provenance


def list_datasets() -> DatasetsAnswer:
    """The registered datasets, in declaration order.

    Returns
    -------
    DatasetsAnswer
        Name, title, version, coverage (years), file and official address of each.

    Raises
    ------
    UnknownDatasetError
        Never for the registry itself; a malformed ``registry.toml`` is a bug.

    References
    ----------
    .. [1] Uieda, Leonardo, et al. 2020. "Pooch: A Friend to Fetch Your Data Files."
       Journal of Open Source Software 5(45): 1943. doi:10.21105/joss.01943

    Examples
    --------
    >>> "atop_members" in {d.name for d in list_datasets().datasets}
    True
    """
    entries = datasets()
    return DatasetsAnswer(
        datasets=[DatasetEntry(name=e.name, title=e.title, version=e.version,
                               coverage=e.coverage, file=e.file, url=e.url) for e in entries],
        provenance=Provenance.of([e.name for e in entries]))


class CiteAnswer(TypedAnswer):
    """``foedus data cite NAME --json``: a dataset's citation and BibTeX."""

    name: str
    title: str
    version: str
    citation: str
    bibtex: str
    url: str
    terms: str
    provenance: Provenance


@validate_params({"name": [TypeOf(str, "a registered dataset name")]}, caller="cite")
def cite(name: str) -> CiteAnswer:
    """A registered dataset's citation, BibTeX, address and terms.

    Parameters
    ----------
    name
        A registered dataset (:func:`list_datasets`).

    Returns
    -------
    CiteAnswer
        Title, version, citation, BibTeX, official address and terms of use.

    Raises
    ------
    UnknownDatasetError
        For a name the registry does not declare (the message suggests close names).

    References
    ----------
    .. [1] Uieda, Leonardo, et al. 2020. "Pooch: A Friend to Fetch Your Data Files."
       Journal of Open Source Software 5(45): 1943. doi:10.21105/joss.01943

    Examples
    --------
    >>> cite("nmc_7").version
    '7.0'
    """
    e = dataset(name)
    return CiteAnswer(name=e.name, title=e.title, version=e.version, citation=e.citation,
                      bibtex=e.bibtex, url=e.url, terms=e.terms,
                      provenance=Provenance.of([e.name]))


class Pulled(TypedAnswer):
    """A file obtained: the dataset, where it now is, where it came from."""

    name: str
    path: str
    origin: Origin


class PullAnswer(TypedAnswer):
    """``foedus data pull --json``: the files obtained into the cache."""

    pulled: list[Pulled]
    provenance: Provenance


@validate_params({"names": [TypeOf((list, tuple), "a list of dataset names"), None],
                  "progress": [TypeOf(Callable, "a progress-bar factory"), None]},
                 caller="pull_datasets")
def pull_datasets(names: Sequence[str] | None = None, *,
                  progress: ProgressFactory | None = None) -> PullAnswer:
    """Obtain registered files into the cache (cache, mirror, HTTP base, official).

    Parameters
    ----------
    names
        The datasets (default: every registered one).
    progress
        A progress-bar factory for downloads (the command line's).

    Returns
    -------
    PullAnswer
        Each file's dataset, path in the cache and origin (cache, mirror, url, official).

    Raises
    ------
    DatasetNotFoundError
        When no source provides a file; HashMismatchError when one differs.

    References
    ----------
    .. [1] Uieda, Leonardo, et al. 2020. "Pooch: A Friend to Fetch Your Data Files."
       Journal of Open Source Software 5(45): 1943. doi:10.21105/joss.01943

    Examples
    --------
    >>> pull_datasets(["cow_majors"]).pulled[0].name
    'cow_majors'
    """
    got = pull(list(names) if names else None, progress=progress)
    return PullAnswer(pulled=[Pulled(name=g.dataset.name, path=str(g.path), origin=g.origin)
                              for g in got],
                      provenance=Provenance.of([g.dataset.name for g in got]))


class Unmatched(TypedAnswer):
    """Source names that matched no COW state, by dataset and reason (table
    ``unmatched_names``)."""

    dataset: str
    source_name: str
    first_year: int | None
    last_year: int | None
    rows: int
    reason: str


class BuildAnswer(TypedAnswer):
    """``foedus data build --json``: where the store is, how long it took, its tables."""

    path: str
    seconds: float = Field(ge=0)
    size_bytes: int
    tables: dict[str, int]
    unmatched_names: list[Unmatched]
    provenance: Provenance


@validate_params({"step": [TypeOf(Callable, "a callable(label, done, total)"), None],
                  "progress": [TypeOf(Callable, "a progress-bar factory"), None]},
                 caller="build_store")
def build_store(*, step: Callable[[str, int, int], None] | None = None,
                progress: ProgressFactory | None = None) -> BuildAnswer:
    """Build the DuckDB store from the mirror or the cache, atomically.

    Parameters
    ----------
    step
        Called with each step's label, the steps done and their total.
    progress
        A progress-bar factory for downloads (the command line's).

    Returns
    -------
    BuildAnswer
        The store's path, the build's wall time, the file's size, the tables with their
        rows, and the source names that matched no COW state.

    Raises
    ------
    DataError
        When a file is missing or corrupt, or the store cannot be written (nothing is left
        half-built).

    References
    ----------
    .. [1] Raasveldt, Mark, and Hannes Mühleisen. 2019. "DuckDB: an Embeddable Analytical
       Database." SIGMOD '19: 1981-1984. doi:10.1145/3299869.3320212

    Examples
    --------
    >>> build_store().tables["atop_members"]  # doctest: +SKIP
    2510
    """
    report = store.build(step=step, progress=progress)
    rows = report.unmatched.astype(object).where(report.unmatched.notna(), None)
    return BuildAnswer(
        path=str(report.path), seconds=round(report.seconds, 2), size_bytes=report.size_bytes,
        tables=report.tables,
        unmatched_names=[Unmatched(**r) for r in rows.to_dict("records")],
        provenance=Provenance.of([d.name for d in datasets() if d.name != "sr1999_table6"]))


class StoreState(TypedAnswer):
    """The store: where it is, whether it is there and valid (its schema and tables those
    of this foedus; else ``problem`` says what is wrong and the fix), when and by whom it
    was built, the tables present (with row counts) and those missing."""

    omit_if_none = frozenset({"built_at", "foedus_version", "size_bytes", "tables",
                              "unmatched_names", "valid", "problem", "store_schema",
                              "missing_tables"})

    path: str
    present: bool
    valid: bool | None = None
    problem: str | None = None
    store_schema: str | None = None
    tables: dict[str, int] | None = None
    missing_tables: list[str] | None = None
    unmatched_names: int | None = None
    built_at: str | None = None
    foedus_version: str | None = None
    size_bytes: int | None = None


class DatasetState(TypedAnswer):
    """A registered file: where it was found, whether its hash verified, whether the store
    holds that exact version."""

    name: str
    version: str
    file: str
    found_in: Literal["cache", "mirror"] | None
    verified: bool | None
    in_store: bool


class StatusAnswer(TypedAnswer):
    """``foedus data status --json``."""

    store: StoreState
    datasets: list[DatasetState]
    provenance: Provenance


@validate_params({"verify": [bool]}, caller="store_status")
def store_status(*, verify: bool = True) -> StatusAnswer:
    """What is present, verified and built, and when.

    Parameters
    ----------
    verify
        Hash every file found (slower; the registry's sha256 is the reference).

    Returns
    -------
    StatusAnswer
        The store (path, when and by which version it was built, tables) and each dataset
        (where found, verified, in the store). A store that is truncated, damaged,
        foreign, of another schema or missing tables has ``valid`` false and ``problem``
        saying what is wrong (it is reported, not raised).

    Raises
    ------
    ParameterError
        For a ``verify`` that is not a bool.

    References
    ----------
    .. [1] Raasveldt, Mark, and Hannes Mühleisen. 2019. "DuckDB: an Embeddable Analytical
       Database." SIGMOD '19: 1981-1984. doi:10.1145/3299869.3320212

    Examples
    --------
    >>> store_status(verify=False).store.present
    True
    """
    report = store.status(verify=verify)
    return StatusAnswer(store=StoreState(**report["store"]),
                        datasets=[DatasetState(**d) for d in report["datasets"]],
                        provenance=Provenance.of([d.name for d in datasets()]))


class Era(TypedAnswer):
    """ATOP alliances in force in an era."""

    era: str
    from_: int = Field(alias="from")
    to: int
    alliances: int
    defense_pacts: int


class StoredDataset(TypedAnswer):
    """A dataset in the store: its version, coverage, rows and where it was read from."""

    name: str
    title: str
    version: str
    coverage: str
    rows: int
    origin: str


class StateRef(TypedAnswer):
    """A state in JSON (DESIGN §7)."""

    cow: int
    iso3: str | None = Field(pattern=r"^[A-Z]{3}$")
    abb: str
    name: str


class Pledger(TypedAnswer):
    """A state with its defence pledges in a year."""

    state: StateRef
    partners_pledged_to_defend: int
    defense_pacts: int


class SummaryAnswer(TypedAnswer):
    """``foedus summary --json``: datasets, alliances in force by era, top defence
    pledgers."""

    built_at: str | None
    datasets: list[StoredDataset]
    eras: list[Era]
    year: int
    top_defense_pledgers: list[Pledger]
    provenance: Provenance


@validate_params(SUMMARY, caller="summarize")
def summarize(*, year: int = 2018, top: int = 10) -> SummaryAnswer:
    """Datasets in the store, ATOP alliances in force per era, and the top pledgers.

    Parameters
    ----------
    year
        The year of the defence-pledge ranking (ATOP's years).
    top
        How many states to rank.

    Returns
    -------
    SummaryAnswer
        The store's datasets, alliances in force by era (and those with a defence pledge),
        and the states with the most partners they must defend in ``year``
        (:func:`foedus.data.summary.summary`).

    Raises
    ------
    StoreError
        Without a store (run ``foedus data build``).

    References
    ----------
    .. [1] Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G.
       Long. 2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International
       Interactions 28(3): 237-260. doi:10.1080/03050620213653

    Examples
    --------
    >>> summarize(year=1914, top=1).top_defense_pledgers[0].state.abb
    'GMY'
    """
    result = summary(year=year, top=top)
    return SummaryAnswer(
        built_at=result["built_at"], datasets=[StoredDataset(**d) for d in result["datasets"]],
        eras=[Era(**e) for e in result["eras"]], year=result["year"],
        top_defense_pledgers=[Pledger(**p) for p in result["top_defense_pledgers"]],
        provenance=Provenance.of([d["name"] for d in result["datasets"]], view="atop"))
